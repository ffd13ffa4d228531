//! Secrets never shown: connection URLs lose their password before they
//! reach a log line or a message.

/// `scheme://user:secret@host…` → `scheme://user:****@host…`. The last `@`
/// before the query ends the credentials, so a password mistakenly written
/// with a bare `@` or `/` is still hidden whole.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let before_query = rest.find(['?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..before_query].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{}{user}:****{}", &url[..scheme_end + 3], &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/etalase"),
            "postgres://app:****@db:5432/etalase"
        );
        assert_eq!(
            redact_url("smtps://app:s3cr@t@mail.example.id:465"),
            "smtps://app:****@mail.example.id:465"
        );
        assert_eq!(
            redact_url("postgres://app@db/etalase"),
            "postgres://app@db/etalase"
        );
        assert_eq!(
            redact_url("sqlite://data/etalase.db"),
            "sqlite://data/etalase.db"
        );
        assert_eq!(redact_url("smtp://127.0.0.1:25"), "smtp://127.0.0.1:25");
        assert_eq!(
            redact_url("smtp://u:pa/ss@h:587?tls=required&from=a@b"),
            "smtp://u:****@h:587?tls=required&from=a@b"
        );
    }
}
