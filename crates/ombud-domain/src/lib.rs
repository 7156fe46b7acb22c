//! Ombud's domain: the rules of a municipality's data protection work, with no I/O.
//!
//! Everything here is plain Rust that can be tested exhaustively: which organisation may sit under
//! which, who may do what where ([`authz`]), how the audit trail is chained ([`audit`]), how people's
//! names, e-mail addresses and passwords are accepted ([`people`]). Storage and HTTP live in other
//! crates and call in here; nothing in this crate knows about databases, sockets or files.

pub mod audit;
pub mod authz;
pub mod breach;
pub mod error;
pub mod ids;
pub mod kernel;
pub mod lang;
pub mod organisation;
pub mod people;
pub mod register;
pub mod request;
pub mod role;
pub mod sign_in;
pub mod text;
pub mod time;

pub use error::{Invalid, Rule};
pub use lang::Lang;
