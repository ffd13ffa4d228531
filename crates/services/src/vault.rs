//! Encryption at rest for personal data (NIK, NPWP, bank account numbers,
//! KYC documents): XChaCha20-Poly1305 with keys kept outside the database.
//!
//! Every sealed value names the key that sealed it, so keys can rotate: new
//! values use the newest key, old ones stay readable while their key is kept.
//! The caller binds each value to where it belongs (`seller:slr_…:nik`) as
//! associated data, so a ciphertext copied into another row does not open.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

const VERSION: &str = "v1";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("the key file is invalid: {0}")]
    BadKeyFile(String),
    #[error("no key named {0} is configured; keep retired keys until their data is re-sealed")]
    UnknownKey(String),
    #[error("a sealed value is damaged or belongs elsewhere")]
    Tampered,
    #[error("cannot read or write the key file: {0}")]
    Io(String),
}

pub struct Vault {
    keys: HashMap<String, XChaCha20Poly1305>,
    current: String,
    /// The first key of the file also keys fingerprints (to find equal values
    /// without storing them), so rotation never changes a fingerprint: the
    /// first key stays in the file for good.
    fingerprint_key: Vec<u8>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Vault(current key {}, {} keys)",
            self.current,
            self.keys.len()
        )
    }
}

impl Vault {
    /// Reads a key file: one key a line, `<key id> <base64 of 32 bytes>`; the
    /// last line is the key new values are sealed with. `#` starts a comment.
    pub fn from_key_file_text(text: &str) -> Result<Vault, VaultError> {
        let mut keys = HashMap::new();
        let mut current = None;
        let mut fingerprint_key = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |why: &str| VaultError::BadKeyFile(format!("line {}: {why}", n + 1));
            let (id, material) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| bad("expected `<id> <key>`"))?;
            if !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(bad("a key id is letters, digits, - and _"));
            }
            let bytes = STANDARD_NO_PAD
                .decode(material.trim().trim_end_matches('='))
                .map_err(|_| bad("the key is not base64"))?;
            if bytes.len() != 32 {
                return Err(bad("a key is 32 bytes"));
            }
            let cipher =
                XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| bad("unusable key"))?;
            fingerprint_key.get_or_insert_with(|| bytes.clone());
            if keys.insert(id.to_owned(), cipher).is_some() {
                return Err(bad("the key id is used twice"));
            }
            current = Some(id.to_owned());
        }
        let current = current.ok_or_else(|| VaultError::BadKeyFile("no key in the file".into()))?;
        let fingerprint_key = fingerprint_key.unwrap_or_default();
        Ok(Vault {
            keys,
            current,
            fingerprint_key,
        })
    }

    pub fn from_key_file(path: &Path) -> Result<Vault, VaultError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| VaultError::Io(format!("{}: {e}", path.display())))?;
        Self::from_key_file_text(&text)
    }

    /// A new key line (`<id> <base64>`), for a new file or for rotation.
    pub fn new_key_line(id: &str) -> String {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        format!("{id} {}", STANDARD_NO_PAD.encode(key))
    }

    /// Opens the key file at `path`, creating it with a fresh key when it does
    /// not exist (demo and development only; production brings its own).
    pub fn open_or_create(path: &Path) -> Result<Vault, VaultError> {
        if !path.exists() {
            let io = |e: std::io::Error| VaultError::Io(format!("{}: {e}", path.display()));
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let text = format!(
                "# etalase encryption keys for personal data. Keep this file secret and backed up:\n\
                 # without it the encrypted data cannot be read. Newest key last.\n{}\n",
                Self::new_key_line("k1")
            );
            write_private(path, &text).map_err(io)?;
        }
        Self::from_key_file(path)
    }

    /// A vault with one random key that lives in memory only (tests).
    pub fn ephemeral() -> Vault {
        Self::from_key_file_text(&Self::new_key_line("ephemeral"))
            .expect("a fresh key line is valid")
    }

    /// A keyed hash of `value` for `purpose`: equal values give equal
    /// fingerprints, and nothing about the value can be read back.
    pub fn fingerprint(&self, purpose: &str, value: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.fingerprint_key)
            .expect("HMAC takes any key");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    /// Seals `plaintext` for the place `context` names.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> String {
        let cipher = &self.keys[&self.current];
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encryption does not fail for in-memory data");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!(
            "{VERSION}:{}:{}",
            self.current,
            STANDARD_NO_PAD.encode(bytes)
        )
    }

    pub fn open(&self, sealed: &str, context: &str) -> Result<Vec<u8>, VaultError> {
        let mut parts = sealed.splitn(3, ':');
        let (Some(VERSION), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(VaultError::Tampered);
        };
        let cipher = self
            .keys
            .get(key_id)
            .ok_or_else(|| VaultError::UnknownKey(key_id.to_owned()))?;
        let bytes = STANDARD_NO_PAD
            .decode(body)
            .map_err(|_| VaultError::Tampered)?;
        if bytes.len() < 24 + 16 {
            return Err(VaultError::Tampered);
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Tampered)
    }

    pub fn seal_text(&self, plaintext: &str, context: &str) -> String {
        self.seal(plaintext.as_bytes(), context)
    }

    pub fn open_text(&self, sealed: &str, context: &str) -> Result<String, VaultError> {
        String::from_utf8(self.open(sealed, context)?).map_err(|_| VaultError::Tampered)
    }

    /// Whether a value was sealed with an older key (to re-seal it).
    pub fn needs_reseal(&self, sealed: &str) -> bool {
        sealed
            .split(':')
            .nth(1)
            .is_some_and(|id| id != self.current)
    }
}

/// Creates `path` readable and writable by its owner only (secrets); an
/// existing file is never overwritten.
#[cfg(unix)]
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(lines: &[&str]) -> Vault {
        Vault::from_key_file_text(&lines.join("\n")).unwrap()
    }

    #[test]
    fn seals_and_opens_in_its_context_only() {
        let v = vault(&[&Vault::new_key_line("k1")]);
        let sealed = v.seal_text("3201011205900001", "seller:slr_a:nik");
        assert!(!sealed.contains("3201011205900001"));
        assert!(sealed.starts_with("v1:k1:"));
        assert_eq!(
            v.open_text(&sealed, "seller:slr_a:nik").unwrap(),
            "3201011205900001"
        );
        assert_eq!(
            v.open_text(&sealed, "seller:slr_b:nik"),
            Err(VaultError::Tampered)
        );
        let mut flipped = sealed.clone();
        let last = flipped.pop().unwrap();
        flipped.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(
            v.open_text(&flipped, "seller:slr_a:nik"),
            Err(VaultError::Tampered)
        );
        // Same plaintext, different ciphertext every time (random nonce).
        assert_ne!(sealed, v.seal_text("3201011205900001", "seller:slr_a:nik"));
    }

    #[test]
    fn rotation_keeps_old_values_readable() {
        let old_line = Vault::new_key_line("k1");
        let old = vault(&[&old_line]);
        let sealed = old.seal_text("rahasia", "x");
        let rotated = vault(&[&old_line, &Vault::new_key_line("k2")]);
        assert_eq!(rotated.current_key_id(), "k2");
        assert_eq!(rotated.open_text(&sealed, "x").unwrap(), "rahasia");
        assert!(rotated.needs_reseal(&sealed));
        assert!(!rotated.needs_reseal(&rotated.seal_text("rahasia", "x")));
        let forgotten = vault(&[&Vault::new_key_line("k2")]);
        assert_eq!(
            forgotten.open_text(&sealed, "x"),
            Err(VaultError::UnknownKey("k1".into()))
        );
    }

    #[test]
    fn fingerprints_survive_rotation_and_differ_by_purpose() {
        let first = Vault::new_key_line("k1");
        let before = vault(&[&first]).fingerprint("nik", "3201011205900001");
        let after =
            vault(&[&first, &Vault::new_key_line("k2")]).fingerprint("nik", "3201011205900001");
        assert_eq!(before, after);
        assert_ne!(
            before,
            vault(&[&first]).fingerprint("npwp", "3201011205900001")
        );
        assert!(!before.contains("3201011205900001"));
    }

    #[test]
    fn refuses_bad_key_files() {
        for bad in [
            "",
            "# only a comment",
            "k1",
            "k1 not-base64!",
            "k1 AAAA",
            "k/1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(Vault::from_key_file_text(bad).is_err(), "{bad:?}");
        }
        let line = Vault::new_key_line("k1");
        assert!(
            Vault::from_key_file_text(&format!("{line}\n{line}")).is_err(),
            "duplicate id"
        );
    }

    #[test]
    fn creates_a_private_key_file_once() {
        let dir = std::env::temp_dir().join(format!("etalase-vault-{}", std::process::id()));
        let path = dir.join("keys").join("pii.keys");
        let _ = std::fs::remove_dir_all(&dir);
        let first = Vault::open_or_create(&path).unwrap();
        let sealed = first.seal_text("data", "ctx");
        let again = Vault::open_or_create(&path).unwrap();
        assert_eq!(again.open_text(&sealed, "ctx").unwrap(), "data");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
