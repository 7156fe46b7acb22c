//! Identifiers: opaque strings to the outside, UUID v7 inside (time-ordered, so new rows land at the
//! end of an index and keyset pages stay cheap).
//!
//! Parse, don't validate: a typed id is either made fresh ([`RecordId::generate`]) or parsed from a
//! string that has the form Ombud issues ([`RecordId::parse`]); there is no other way to build one, so
//! a value of the type is always an id that could name a row, never a stray string from a request.

/// Declares a typed identifier that is a string on the wire and in the database.
macro_rules! decl_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A fresh identifier.
            pub fn generate() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            /// The identifier a string names, if it has the form Ombud issues (a UUID, written in its
            /// canonical lower-case form).
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                let u = uuid::Uuid::try_parse(s).ok()?;
                // Already in that form (every id read back from the database): kept as it is
                // rather than written anew, which cost a list page of links a tenth of its time.
                if s.len() == 36 && !s.bytes().any(|b| b.is_ascii_uppercase()) {
                    return Some($name(s.to_string()));
                }
                Some($name(u.to_string()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                $name::parse(&s).ok_or_else(|| format!("not an identifier: {s:?}"))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
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
decl_id!(
    /// A record of a register: a processing activity, a system, an agreement, …
    RecordId
);

/// A fresh identifier as a string, for rows that have no typed id of their own.
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
        assert_eq!(RecordId::parse("drop table"), None);
        assert!(serde_json::from_str::<RecordId>("\"x\"").is_err());
    }

    #[test]
    fn an_id_parses_to_its_canonical_form_and_round_trips() {
        let id = RecordId::generate();
        let upper = id.as_str().to_uppercase();
        assert_eq!(RecordId::parse(&upper), Some(id.clone()));
        // Every other form a UUID may be written in comes back in the one form too.
        let simple = id.as_str().replace('-', "");
        for other in [
            format!(" {} ", id.as_str()),
            simple.clone(),
            simple.to_uppercase(),
            format!("{{{}}}", id.as_str()),
            format!("urn:uuid:{}", id.as_str()),
        ] {
            assert_eq!(RecordId::parse(&other), Some(id.clone()), "{other}");
        }
        assert_eq!(RecordId::parse(id.as_str()), Some(id.clone()));
        let json = serde_json::to_string(&id).expect("serialises");
        assert_eq!(serde_json::from_str::<RecordId>(&json).ok(), Some(id));
    }
}
