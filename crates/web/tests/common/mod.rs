//! A real etalase on a random port, on the backend under test, with a clock
//! the test moves and a mailbox the test reads.

#![allow(dead_code)]

pub mod lives;
pub mod orders;

use std::sync::Arc;

use etalase_domain::Timestamp;
use etalase_services::clock::ManualClock;
use etalase_services::mail::MemoryMailer;
use etalase_services::{ServiceConfig, Services};
use etalase_testkit::{Backend, TestDatabase, database};
use etalase_web::{Application, Secret, WebConfig};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

pub const PASSWORD: &str = "rahasia-sekali-123";

pub struct TestApp {
    pub base: String,
    pub db: TestDatabase,
    pub services: Services,
    pub clock: Arc<ManualClock>,
    pub mailer: Arc<MemoryMailer>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, WebConfig::default()).await
    }

    pub async fn spawn_with(backend: Backend, web: WebConfig) -> TestApp {
        let db = database(backend).await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let clock = Arc::new(ManualClock::new(Timestamp::from_unix_millis(now)));
        let mailer = Arc::new(MemoryMailer::default());
        let services = Services::new(
            db.store.clone(),
            clock.clone(),
            mailer.clone(),
            Arc::new(etalase_services::vault::Vault::ephemeral()),
            etalase_store::objects::ObjectStore::memory(),
            ServiceConfig {
                public_url: "http://etalase.test".into(),
                ..ServiceConfig::default()
            },
        )
        .with_memory_search();
        let config = WebConfig {
            secret_key: Secret::new("test-secret-key"),
            body_limit: 64 * 1024,
            ..web
        };
        let app = Application::build(services.clone(), config, "127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", app.local_addr().unwrap());
        tokio::spawn(app.run_until(std::future::pending()));
        TestApp {
            base,
            db,
            services,
            clock,
            mailer,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser: its own cookie jar, redirects not followed.
    pub fn browser(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// The CSRF token of the form on `path`.
    pub async fn csrf(&self, client: &Client, path: &str) -> String {
        let body = self.get(client, path).await.text().await.unwrap();
        csrf_in(&body).unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    /// Submits a form the way a browser does: token from the page, then POST.
    pub async fn submit(
        &self,
        client: &Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let token = self.csrf(client, page).await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", &token)];
        form.extend_from_slice(fields);
        client
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Loads the demo data, lists it in the Shop, and returns the demo
    /// shop's seller.
    pub async fn demo_shop(&self) -> etalase_domain::id::SellerId {
        etalase_services::demo::load(&self.services).await.unwrap();
        etalase_services::sync::catch_up(&self.services)
            .await
            .unwrap();
        etalase_store::sellers::find_seller_by_slug(
            &self.services.store,
            etalase_services::demo::DEMO_SHOP_SLUG,
        )
        .await
        .unwrap()
        .unwrap()
        .id
    }

    /// A browser signed in as the demo user `email`.
    pub async fn demo_member(&self, email: &str) -> Client {
        let browser = self.browser();
        let response = self
            .sign_in(&browser, email, etalase_services::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email}");
        browser
    }

    pub async fn sign_in(&self, client: &Client, email: &str, password: &str) -> Response {
        self.submit(
            client,
            "/signin",
            "/signin",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Signs up a seller through the form; returns the owner's browser.
    pub async fn seller(&self, email: &str, slug: &str) -> Client {
        let browser = self.browser();
        let response = self
            .submit(
                &browser,
                "/seller/signup",
                "/seller/signup",
                &[
                    ("name", "Pemilik Toko"),
                    ("email", email),
                    ("password", PASSWORD),
                    ("password_confirmation", PASSWORD),
                    ("shop_name", &format!("Toko {slug}")),
                    ("shop_slug", slug),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{}",
            response.text().await.unwrap()
        );
        browser
    }

    /// Signs up a buyer through the form; returns their browser.
    pub async fn buyer(&self, email: &str) -> Client {
        let browser = self.browser();
        let response = self
            .submit(
                &browser,
                "/signup",
                "/signup",
                &[
                    ("name", "Pembeli"),
                    ("email", email),
                    ("password", PASSWORD),
                    ("password_confirmation", PASSWORD),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        browser
    }

    /// Invites `email` with `role` from the owner's browser; returns the link path.
    pub async fn invite(&self, owner: &Client, email: &str, role: &str) -> String {
        let response = self
            .submit(
                owner,
                "/seller/team",
                "/seller/team/invite",
                &[("email", email), ("role", role)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.text().await.unwrap();
        let link = value_of(&body, "data-testid=\"invite-link\"").expect("invite link shown");
        link.trim_start_matches("http://etalase.test").to_owned()
    }

    /// A team member with `role` in the owner's shop; returns their browser.
    pub async fn member(&self, owner: &Client, email: &str, role: &str) -> Client {
        let link = self.invite(owner, email, role).await;
        let member = self.buyer(email).await;
        let response = self.submit(&member, &link, &link, &[]).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{}",
            response.text().await.unwrap()
        );
        member
    }

    /// Makes an API key with `scopes` from the owner's browser; returns the secret.
    pub async fn api_key(&self, owner: &Client, scopes: &[&str]) -> String {
        let mut fields = vec![("name", "integrasi")];
        fields.extend(scopes.iter().map(|s| ("scopes", *s)));
        let response = self
            .submit(owner, "/seller/api-keys", "/seller/api-keys", &fields)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.text().await.unwrap();
        value_of(&body, "data-testid=\"new-key\"").expect("secret shown once")
    }

    /// The JSON an API `GET` answers with `key`.
    pub async fn api_json(&self, path: &str, key: &str) -> serde_json::Value {
        Client::new()
            .get(self.url(path))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Member ids of the shop of `owner`, read from the team page.
    pub async fn member_ids(&self, owner: &Client) -> Vec<String> {
        let body = self.get(owner, "/seller/team").await.text().await.unwrap();
        body.match_indices("href=\"/seller/team/mbr_")
            .map(|(i, _)| body[i + 19..i + 49].to_owned())
            .collect()
    }
}

pub fn csrf_in(body: &str) -> Option<String> {
    let start = body.find("name=\"_csrf\" value=\"")? + 20;
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

/// The `value="…"` of the element carrying `marker`.
pub fn value_of(body: &str, marker: &str) -> Option<String> {
    let at = body.find(marker)?;
    let tag_start = body[..at].rfind('<')?;
    let tag = &body[tag_start..at + body[at..].find('>')?];
    let start = tag.find("value=\"")? + 7;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_owned())
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

impl TestApp {
    /// A real etalase whose services are configured by `make`, given the
    /// address the app will listen on (so its public URL — and the
    /// sandbox payment gateway behind it — point at the app itself).
    pub async fn spawn_with_services(
        backend: Backend,
        make: impl FnOnce(&str) -> ServiceConfig,
    ) -> TestApp {
        let db = database(backend).await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let clock = Arc::new(ManualClock::new(Timestamp::from_unix_millis(now)));
        let mailer = Arc::new(MemoryMailer::default());
        // A free port, released for the app to bind at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let services = Services::new(
            db.store.clone(),
            clock.clone(),
            mailer.clone(),
            Arc::new(etalase_services::vault::Vault::ephemeral()),
            etalase_store::objects::ObjectStore::memory(),
            make(&base),
        )
        .with_memory_search();
        let config = WebConfig {
            secret_key: Secret::new("test-secret-key"),
            body_limit: 64 * 1024,
            ..WebConfig::default()
        };
        let app = Application::build(services.clone(), config, &format!("127.0.0.1:{port}"))
            .await
            .expect("bind");
        tokio::spawn(app.run_until(std::future::pending()));
        TestApp {
            base,
            db,
            services,
            clock,
            mailer,
        }
    }
}
