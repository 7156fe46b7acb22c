//! Data subject requests (registrerades begäranden, GDPR art. 15–22): the rules, with no I/O. The
//! time limit and its extension ([`deadline`]) on Sweden's calendar of working days ([`calendar`]).

pub mod calendar;
pub mod deadline;
pub mod figures;
pub mod letter;
pub mod retention;
pub mod search;

pub use calendar::ExtraDaysOff;
pub use deadline::{due_on, extend, reminders};
