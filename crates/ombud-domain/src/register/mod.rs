//! The registers: processing activities (GDPR art. 30), IT systems, processor agreements, and the
//! rules that find what the register lacks (gaps).

pub mod agreement;
pub mod export;
pub mod gaps;
pub mod import;
pub mod processing;
pub mod system;
pub mod workflow;
