//! Record identifiers: opaque strings to the outside, UUID v7 inside (time-ordered, so new rows land
//! at the end of an index and keyset pages stay cheap).

/// Declares a typed identifier that is a string on the wire and in the database.
macro_rules! decl_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// A fresh identifier.
            pub fn generate() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }
    };
}

decl_id!(
    /// An organisation: city, board, company, administration, department or unit.
    OrganisationId
);
decl_id!(
    /// A person who signs in.
    UserId
);
decl_id!(
    /// A sign-in session (browser or API client).
    SessionId
);
decl_id!(
    /// One event of the audit trail.
    EventId
);

/// A fresh identifier for a record type without its own id type.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Whether a string looks like an identifier Ombud issued; anything else cannot name a record and is
/// refused before it reaches a query.
pub fn is_well_formed(s: &str) -> bool {
    uuid::Uuid::try_parse(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_well_formed_and_time_ordered() {
        let a = OrganisationId::generate();
        let b = OrganisationId::generate();
        assert!(is_well_formed(a.as_str()));
        assert!(a < b);
    }

    #[test]
    fn junk_is_not_an_id() {
        assert!(!is_well_formed("1 OR 1=1"));
        assert!(!is_well_formed(""));
    }
}
