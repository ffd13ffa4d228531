//! Argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane),
//! always run off the async threads.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use etalase_domain::account::NewPassword;

use crate::{ServiceError, ServiceResult};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP Argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub async fn hash(password: &NewPassword) -> ServiceResult<String> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(|e| ServiceError::internal(std::io::Error::other(e.to_string())))
}

/// Verifies `password` against a stored hash. With no stored hash (unknown
/// e-mail) a dummy hash is checked, so the answer takes as long either way.
pub async fn verify(password: &str, stored: Option<String>) -> ServiceResult<bool> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .map_err(ServiceError::internal)
}

/// The Argon2id hash (OWASP parameters) of a random password nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3Hv4Zx2wXW0lH6Gm2F0mGxZ0W1m0m2n8r8Qx1o0q3Vw";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash_with_our_parameters() {
        let parsed = PasswordHash::new(DUMMY_HASH).expect("parses");
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_do() {
        let password = NewPassword::parse("kopi susu gula aren").unwrap();
        let stored = hash(&password).await.unwrap();
        assert!(
            verify("kopi susu gula aren", Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("kopi susu gula", Some(stored)).await.unwrap());
        assert!(!verify("kopi susu gula aren", None).await.unwrap());
    }
}
