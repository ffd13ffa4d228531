//! Sign-up, sign-in, sessions, CSRF and throttling over HTTP.

mod common;

use common::{PASSWORD, TestApp, location};
use etalase_store::accounts;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("etalase_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

async fn seller_signs_up_signs_out_and_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("sari@contoh.id", "toko-sari").await;
    let dashboard = app.get(&owner, "/seller").await;
    assert_eq!(dashboard.status(), StatusCode::OK);
    let body = dashboard.text().await.unwrap();
    assert!(body.contains("Toko toko-sari"));
    assert!(body.contains("Menunggu verifikasi"));

    let token = app.csrf(&owner, "/seller").await;
    let out = owner
        .post(app.url("/signout"))
        .form(&[("_csrf", token.as_str()), ("next", "/seller/signin")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&out), "/seller/signin?notice=signed_out");
    assert_eq!(
        location(&app.get(&owner, "/seller").await),
        "/seller/signin?next=%2Fseller"
    );

    let wrong = app
        .sign_in(&owner, "sari@contoh.id", "salah-salah-salah")
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Email atau kata sandi salah")
    );
    let unknown = app.sign_in(&owner, "siapa@contoh.id", PASSWORD).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

    let right = app
        .submit(
            &owner,
            "/seller/signin",
            "/seller/signin",
            &[
                ("email", "SARI@contoh.id"),
                ("password", PASSWORD),
                ("next", "/seller/team"),
            ],
        )
        .await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&right), "/seller/team");
    assert_eq!(
        app.get(&owner, "/seller/team").await.status(),
        StatusCode::OK
    );
}

async fn session_id_changes_at_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.buyer("putar@contoh.id").await;
    let browser = app.browser();
    let first = session_cookie(&app.sign_in(&browser, "putar@contoh.id", PASSWORD).await).unwrap();
    let second = session_cookie(&app.sign_in(&browser, "putar@contoh.id", PASSWORD).await).unwrap();
    assert_ne!(first, second);
    // The session replaced at sign-in is gone.
    let stale = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = stale
        .get(app.url("/account"))
        .header("cookie", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

async fn cookies_are_http_only_and_same_site(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.buyer("kue@contoh.id").await;
    let browser = app.browser();
    let response = app.sign_in(&browser, "kue@contoh.id", PASSWORD).await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("etalase_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

async fn forms_without_a_valid_csrf_token_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.buyer("csrf@contoh.id").await;
    let browser = app.browser();
    app.get(&browser, "/signin").await; // gets the visitor cookie
    let missing = browser
        .post(app.url("/signin"))
        .form(&[("email", "csrf@contoh.id"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&missing).is_none());
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Formulir ini kedaluwarsa")
    );

    let forged = browser
        .post(app.url("/signin"))
        .form(&[
            ("_csrf", "AAAA"),
            ("email", "csrf@contoh.id"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // A token lifted from another browser does not work in this one.
    let other = app.browser();
    let other_token = app.csrf(&other, "/signin").await;
    let lifted = browser
        .post(app.url("/signin"))
        .form(&[
            ("_csrf", other_token.as_str()),
            ("email", "csrf@contoh.id"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(lifted.status(), StatusCode::FORBIDDEN);

    // A browser that never loaded a page has no visitor cookie at all.
    let fresh = app.browser();
    let cold = fresh
        .post(app.url("/signout"))
        .form(&[("_csrf", other_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cold.status(), StatusCode::FORBIDDEN);

    // The header works as well as the field (for scripts on our pages).
    let token = app.csrf(&browser, "/signin").await;
    let with_header = browser
        .post(app.url("/signin"))
        .header("x-csrf-token", token)
        .form(&[("email", "csrf@contoh.id"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(with_header.status(), StatusCode::SEE_OTHER);
}

async fn idle_sessions_expire(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("diam@contoh.id", "toko-diam").await;
    app.clock.advance_secs(7 * 3600);
    assert_eq!(app.get(&owner, "/seller").await.status(), StatusCode::OK);
    app.clock.advance_secs(8 * 3600 + 1);
    let expired = app.get(&owner, "/seller").await;
    assert_eq!(
        location(&expired),
        "/seller/signin?next=%2Fseller&expired=1"
    );
    let page = app
        .get(&owner, "/seller/signin?expired=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sesi Anda berakhir"));
    // Ended for good: the next request is simply signed out.
    assert_eq!(
        location(&app.get(&owner, "/seller").await),
        "/seller/signin?next=%2Fseller"
    );
}

async fn sessions_end_at_the_absolute_limit_however_active(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("rajin@contoh.id", "toko-rajin").await;
    // Active every 6 hours: never idle, but older than 7 days at the end.
    for _ in 0..28 {
        app.clock.advance_secs(6 * 3600);
        assert_eq!(app.get(&owner, "/seller").await.status(), StatusCode::OK);
    }
    app.clock.advance_secs(6 * 3600);
    let expired = app.get(&owner, "/seller").await;
    assert_eq!(
        location(&expired),
        "/seller/signin?next=%2Fseller&expired=1"
    );
}

async fn repeated_failures_lock_the_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.buyer("kunci@contoh.id").await;
    let attacker = app.browser();
    for _ in 0..5 {
        let wrong = app
            .sign_in(&attacker, "kunci@contoh.id", "tebak-tebakan-1")
            .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits, and the page says so.
    let locked = app.sign_in(&attacker, "kunci@contoh.id", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.headers()["retry-after"], "900");
    assert!(
        locked
            .text()
            .await
            .unwrap()
            .contains("Terlalu banyak percobaan")
    );
    app.clock.advance_secs(15 * 60 + 1);
    assert_eq!(
        app.sign_in(&attacker, "kunci@contoh.id", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn repeated_failures_from_one_address_are_throttled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.buyer("korban@contoh.id").await;
    let attacker = app.browser();
    // Spraying many accounts from one address trips the per-address limit.
    for n in 0..30 {
        let email = format!("akun{n}@contoh.id");
        assert_eq!(
            app.sign_in(&attacker, &email, "tebak-tebakan-1")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let blocked = app.sign_in(&attacker, "korban@contoh.id", PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn spray(app: &TestApp, browser: &reqwest::Client, forwarded_for: impl Fn(usize) -> String) {
    for n in 0..30 {
        let token = app.csrf(browser, "/signin").await;
        let email = format!("akun{n}@contoh.id");
        let response = browser
            .post(app.url("/signin"))
            .header("x-forwarded-for", forwarded_for(n))
            .form(&[
                ("_csrf", token.as_str()),
                ("email", email.as_str()),
                ("password", "tebak-tebakan-1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}

async fn forwarded_addresses_count_only_behind_a_proxy(backend: Backend) {
    // Direct: a made-up X-Forwarded-For does not dodge the address limit.
    let app = TestApp::spawn(backend).await;
    app.buyer("langsung@contoh.id").await;
    let attacker = app.browser();
    spray(&app, &attacker, |n| format!("10.0.0.{n}")).await;
    let blocked = app.sign_in(&attacker, "langsung@contoh.id", PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);

    // Behind a proxy: one client's failures do not lock out everyone else.
    let web = etalase_web::WebConfig {
        behind_proxy: true,
        ..Default::default()
    };
    let app = TestApp::spawn_with(backend, web).await;
    app.buyer("proksi@contoh.id").await;
    let attacker = app.browser();
    spray(&app, &attacker, |_| "203.0.113.7".to_owned()).await;
    let token = app.csrf(&attacker, "/signin").await;
    let honest = attacker
        .post(app.url("/signin"))
        .header("x-forwarded-for", "198.51.100.1, 203.0.113.9")
        .form(&[
            ("_csrf", token.as_str()),
            ("email", "proksi@contoh.id"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(honest.status(), StatusCode::SEE_OTHER);
    let token = app.csrf(&attacker, "/signin").await;
    let same_client = attacker
        .post(app.url("/signin"))
        .header("x-forwarded-for", "203.0.113.7")
        .form(&[
            ("_csrf", token.as_str()),
            ("email", "proksi@contoh.id"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(same_client.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn sign_up_reports_every_problem_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.seller("ada@contoh.id", "toko-ada").await;
    let users_before = accounts::count_users(&app.db.store).await.unwrap();
    let browser = app.browser();
    let bad = app
        .submit(
            &browser,
            "/seller/signup",
            "/seller/signup",
            &[
                ("name", ""),
                ("email", "bukan-email"),
                ("password", "pendek"),
                ("password_confirmation", "x"),
                ("shop_name", "Ok Shop"),
                ("shop_slug", "-x"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    for message in [
        "Isi nama",
        "alamat email yang valid",
        "minimal 10 karakter",
        "Alamat toko harus",
    ] {
        assert!(body.contains(message), "missing {message:?}");
    }
    assert!(body.contains("value=\"bukan-email\""), "input kept");
    assert!(!body.contains("value=\"pendek\""), "passwords never echoed");

    // A taken shop address fails the whole sign-up: no orphan account.
    let taken = app
        .submit(
            &browser,
            "/seller/signup",
            "/seller/signup",
            &[
                ("name", "Baru"),
                ("email", "baru@contoh.id"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
                ("shop_name", "Toko Lain"),
                ("shop_slug", "toko-ada"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert!(
        taken
            .text()
            .await
            .unwrap()
            .contains("Alamat toko ini sudah dipakai")
    );
    assert_eq!(
        accounts::count_users(&app.db.store).await.unwrap(),
        users_before
    );

    let twice = app
        .submit(
            &browser,
            "/signup",
            "/signup",
            &[
                ("name", "Dua"),
                ("email", "ada@contoh.id"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    assert!(twice.text().await.unwrap().contains("sudah terdaftar"));
}

async fn a_buyer_opens_a_shop_later(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let buyer = app.buyer("calon@contoh.id").await;
    assert_eq!(
        location(&app.get(&buyer, "/seller").await),
        "/seller/signup"
    );
    let opened = app
        .submit(
            &buyer,
            "/seller/signup",
            "/seller/signup",
            &[("shop_name", "Toko Calon"), ("shop_slug", "toko-calon")],
        )
        .await;
    assert_eq!(location(&opened), "/seller?notice=shop_opened");
    let page = app
        .get(&buyer, "/seller?notice=shop_opened")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Toko Calon"));
    assert!(page.contains("Toko Anda dibuat"));
}

async fn changing_the_password_ends_other_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let laptop = app.buyer("ganti@contoh.id").await;
    let phone = app.browser();
    app.sign_in(&phone, "ganti@contoh.id", PASSWORD).await;
    let wrong = app
        .submit(
            &laptop,
            "/account",
            "/account/password",
            &[
                ("current_password", "bukan-ini-123"),
                ("new_password", "kata sandi baru 1"),
                ("new_password_confirmation", "kata sandi baru 1"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let changed = app
        .submit(
            &laptop,
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "kata sandi baru 1"),
                ("new_password_confirmation", "kata sandi baru 1"),
            ],
        )
        .await;
    assert_eq!(location(&changed), "/account?notice=password_changed");
    assert_eq!(app.get(&laptop, "/account").await.status(), StatusCode::OK);
    assert_eq!(
        app.get(&phone, "/account").await.status(),
        StatusCode::SEE_OTHER
    );
    let fresh = app.browser();
    assert_eq!(
        app.sign_in(&fresh, "ganti@contoh.id", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in(&fresh, "ganti@contoh.id", "kata sandi baru 1")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn next_links_never_leave_the_site(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.buyer("arah@contoh.id").await;
    let browser = app.browser();
    let response = app
        .submit(
            &browser,
            "/signin",
            "/signin",
            &[
                ("email", "arah@contoh.id"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/");
}

on_both_backends!(
    seller_signs_up_signs_out_and_in,
    session_id_changes_at_sign_in,
    cookies_are_http_only_and_same_site,
    forms_without_a_valid_csrf_token_are_refused,
    idle_sessions_expire,
    sessions_end_at_the_absolute_limit_however_active,
    repeated_failures_lock_the_account,
    repeated_failures_from_one_address_are_throttled,
    forwarded_addresses_count_only_behind_a_proxy,
    sign_up_reports_every_problem_and_writes_nothing,
    a_buyer_opens_a_shop_later,
    changing_the_password_ends_other_sessions,
    next_links_never_leave_the_site,
);
