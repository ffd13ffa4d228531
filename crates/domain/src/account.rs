//! Accounts: e-mail addresses, passwords and names, each only constructible valid.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// A normalised e-mail address (trimmed, lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Email, ErrorCode> {
        let email = text.trim().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else {
            return Err(ErrorCode::InvalidEmail);
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == '"');
        if email.len() > 254 || !domain_ok || !local_ok {
            return Err(ErrorCode::InvalidEmail);
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ErrorCode;
    fn try_from(value: String) -> Result<Self, ErrorCode> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password a user chose. Rules follow OWASP ASVS: at least 10 characters,
/// at most 128, no composition rules; the obvious ones are refused.
pub struct NewPassword(String);

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

const TOO_COMMON: [&str; 8] = [
    "1234567890",
    "12345678910",
    "password123",
    "qwertyuiop",
    "passwordpassword",
    "0123456789",
    "bismillah123",
    "indonesia123",
];

impl NewPassword {
    pub fn parse(text: &str) -> Result<NewPassword, ErrorCode> {
        let chars = text.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(ErrorCode::PasswordTooShort);
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(ErrorCode::PasswordTooLong);
        }
        let lower = text.to_lowercase();
        let single_char = text.chars().all(|c| text.starts_with(c));
        if single_char || TOO_COMMON.contains(&lower.as_str()) {
            return Err(ErrorCode::PasswordTooCommon);
        }
        Ok(NewPassword(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A person's display name, as they want to be addressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(text: &str) -> Result<PersonName, ErrorCode> {
        let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let length = name.chars().count();
        if length == 0 || length > 100 || name.chars().any(char::is_control) {
            return Err(ErrorCode::InvalidName);
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_email() {
        assert_eq!(
            Email::parse("  Sari@Contoh.co.id ").unwrap().as_str(),
            "sari@contoh.co.id"
        );
        for bad in [
            "",
            "sari",
            "sari@",
            "@contoh.id",
            "sari@contoh",
            "sa ri@contoh.id",
            "sari@contoh..id",
        ] {
            assert_eq!(Email::parse(bad), Err(ErrorCode::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn password_rules() {
        assert_eq!(
            NewPassword::parse("pendek").err(),
            Some(ErrorCode::PasswordTooShort)
        );
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa").err(),
            Some(ErrorCode::PasswordTooCommon)
        );
        assert_eq!(
            NewPassword::parse("Password123").err(),
            Some(ErrorCode::PasswordTooCommon)
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(129)).err(),
            Some(ErrorCode::PasswordTooLong)
        );
        assert!(NewPassword::parse("kopi susu gula aren").is_ok());
    }

    #[test]
    fn names_are_tidied() {
        assert_eq!(
            PersonName::parse("  Sari   Dewi ").unwrap().as_str(),
            "Sari Dewi"
        );
        assert!(PersonName::parse("   ").is_err());
    }
}
