//! The registers' kinds: processing activities (GDPR art. 30), IT systems, processor agreements, personal data breaches, data subject requests —
//! each a declaration on the register kernel (see [`crate::kernel`]).

pub mod agreement;
pub mod breach;
pub mod processing;
pub mod request;
pub mod system;
