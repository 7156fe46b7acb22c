//! People: e-mail addresses, names, passwords, and the secrets behind sessions and API tokens.
//!
//! Passwords are hashed with Argon2id (the PHC string keeps its parameters, so a later change of
//! cost still verifies old hashes). Session and API tokens are random and stored only as SHA-256.

use crate::{Invalid, Rule, text};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use sha2::{Digest, Sha256};

pub const NAME_MAX: usize = 200;
pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 1024;

/// Accepts an e-mail address, lower-cased so that sign-in does not depend on case.
pub fn email(value: &str) -> Result<String, Invalid> {
    let v = value.trim().to_lowercase();
    if v.is_empty() {
        return Err(Invalid::new("email", Rule::Required));
    }
    if v.chars().count() > EMAIL_MAX {
        return Err(Invalid::new("email", Rule::TooLong { max: EMAIL_MAX }));
    }
    let valid = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v
                    .chars()
                    .any(|c| c.is_whitespace() || crate::text::is_refused_in_line(c))
        }
        None => false,
    };
    if valid {
        Ok(v)
    } else {
        Err(Invalid::new("email", Rule::InvalidEmail))
    }
}

/// Accepts a person's display name.
pub fn name(value: &str) -> Result<String, Invalid> {
    text::required_line("name", value, NAME_MAX)
}

/// Accepts a new password for a person with this e-mail address and name.
pub fn new_password(
    field: &'static str,
    password: &str,
    email: &str,
    name: &str,
) -> Result<(), Invalid> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(Invalid::new(field, Rule::TooShort { min: PASSWORD_MIN }));
    }
    if n > PASSWORD_MAX {
        return Err(Invalid::new(field, Rule::TooLong { max: PASSWORD_MAX }));
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if lower == email || (!local.is_empty() && lower == local) || lower == name.to_lowercase() {
        return Err(Invalid::new(field, Rule::PasswordTooCommon));
    }
    Ok(())
}

/// How expensive password hashing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// OWASP's Argon2id recommendation: 19 MiB, 2 passes, 1 lane.
    Standard,
    /// For test suites only: the least memory Argon2 allows.
    Minimal,
}

fn argon2(cost: PasswordCost) -> Argon2<'static> {
    let params = match cost {
        PasswordCost::Standard => Params::new(19 * 1024, 2, 1, None),
        PasswordCost::Minimal => Params::new(8, 1, 1, None),
    }
    .unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string. CPU-heavy: call it off the async executor.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| PasswordError)?;
    argon2(cost)
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| PasswordError)
}

/// Checks a password against a stored PHC string; a malformed hash never matches.
pub fn verify_password(phc: &str, password: &str) -> bool {
    // The PHC string carries its own parameters; the verifier's defaults do not matter.
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A fixed hash to verify against when the account does not exist, so that an unknown e-mail address
/// takes as long as a wrong password and sign-in does not reveal who has an account.
pub fn burn_time_like_a_verification(cost: PasswordCost) {
    let _ = hash_password("no such account", cost);
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct PasswordError;

/// A new random secret for a session or API token: 32 bytes, hex.
pub fn new_token() -> Result<String, PasswordError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| PasswordError)?;
    Ok(hex(&bytes))
}

/// How a token is stored and looked up.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_lowercased_and_trimmed() {
        assert_eq!(
            email("  Anna.Andersson@Stad.SE "),
            Ok("anna.andersson@stad.se".into())
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "anna",
            "anna@",
            "@stad.se",
            "anna@stad",
            "an na@stad.se",
            "a@b@c.se",
            "anna@.se",
            "anna@stad.",
        ] {
            assert_eq!(
                email(bad),
                Err(Invalid::new("email", Rule::InvalidEmail)),
                "{bad}"
            );
        }
        assert_eq!(email(""), Err(Invalid::new("email", Rule::Required)));
    }

    #[test]
    fn passwords_must_be_long_and_unlike_the_person() {
        assert!(new_password("password", "Långt-lösen-7", "a@b.se", "A").is_ok());
        assert_eq!(
            new_password("password", "kort", "a@b.se", "A"),
            Err(Invalid::new("password", Rule::TooShort { min: 10 }))
        );
        assert_eq!(
            new_password("password", "anna.a@stad.se", "anna.a@stad.se", "Anna"),
            Err(Invalid::new("password", Rule::PasswordTooCommon))
        );
    }

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let h = hash_password("rätt lösenord", PasswordCost::Minimal).expect("hashes");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "rätt lösenord"));
        assert!(!verify_password(&h, "fel lösenord"));
        assert!(!verify_password("not a hash", "rätt lösenord"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token().expect("random"), new_token().expect("random"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
