//! The JSON API end to end, in one test binary: every test runs in-process against its own database,
//! once on SQLite and once on PostgreSQL (see `helpers`).

#[macro_use]
mod helpers;

mod audit;
mod authz_matrix;
mod bad_input;
mod breaches;
mod concurrency;
mod hardening;
mod holes;
mod import_systems;
mod members;
mod notices;
mod organisations;
mod outbox;
mod registers_processing;
mod registers_systems;
mod requests;
mod round_trip;
mod service;
mod session;
mod sso;
mod users;
