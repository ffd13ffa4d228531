//! The test harness: every store, service and HTTP integration test runs once
//! on SQLite (a temporary file) and once on PostgreSQL (a fresh database per
//! test, created from `ETALASE_TEST_POSTGRES_URL`). A missing PostgreSQL is a
//! failure, never a silent skip.

use std::path::PathBuf;

pub use etalase_store::Backend;

pub mod files;
use etalase_store::{Store, StoreOptions};

/// Declares the given `async fn name(backend: Backend)` tests twice, as
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::Backend::Postgres).await } )*
        }
    };
}

/// A database that lives as long as the test.
pub struct TestDatabase {
    pub url: String,
    pub store: Store,
    pub data_dir: PathBuf,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // PostgreSQL test databases are dropped by the test command before and
        // after a run (their names start with `etalase_t_`).
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

pub const POSTGRES_URL_VAR: &str = "ETALASE_TEST_POSTGRES_URL";

/// A fresh, migrated database of the given backend.
pub async fn database(backend: Backend) -> TestDatabase {
    let data_dir = std::env::temp_dir().join(format!(
        "etalase-test-{}",
        ulid::Ulid::new().to_string().to_lowercase()
    ));
    std::fs::create_dir_all(&data_dir).expect("create a temporary directory");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", data_dir.join("etalase.db").display()),
        Backend::Postgres => fresh_postgres_database().await,
    };
    let store = Store::connect_and_migrate(&url, &StoreOptions::default())
        .await
        .unwrap_or_else(|e| panic!("cannot open the {} test database: {e}", backend.name()));
    TestDatabase {
        url,
        store,
        data_dir,
    }
}

async fn fresh_postgres_database() -> String {
    let admin_url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_URL_VAR} is not set: the PostgreSQL half of the suite cannot run. \
             Run the tests with ./scripts/test, which starts or finds a PostgreSQL."
        )
    });
    let name = format!("etalase_t_{}", ulid::Ulid::new().to_string().to_lowercase());
    let admin = Store::connect(
        &admin_url,
        &StoreOptions {
            max_connections: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {POSTGRES_URL_VAR}: {e}"));
    admin
        .execute_admin_statement(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    admin.close().await;
    replace_database_name(&admin_url, &name)
}

/// `postgres://user@host:port/db?opts` with `db` replaced.
fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            super::replace_database_name("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::replace_database_name("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            super::replace_database_name("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
