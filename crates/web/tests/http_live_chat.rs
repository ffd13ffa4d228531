//! A live's chat over HTTP on both backends: comments are paced, screened
//! and moderated.

mod common;

use common::TestApp;
use common::lives::act;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{StatusCode, header};

async fn the_chat_is_paced_screened_and_moderated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    // The demo's live is on air.
    let live = etalase_store::lives::lives_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.state.is_on())
        .unwrap()
        .id;
    let viewer = app.browser();
    let other = app.browser();
    let token = app.csrf(&viewer, &format!("/live/{live}")).await;
    let post = |text: &'static str, author: &'static str| {
        let viewer = viewer.clone();
        let token = token.clone();
        let url = app.url(&format!("/live/{live}/comments"));
        async move {
            viewer
                .post(url)
                .header(header::ACCEPT, "application/json")
                .form(&[
                    ("_csrf", token.as_str()),
                    ("author", author),
                    ("text", text),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    // No name: refused with a message the page can show.
    let nameless = post("Halo kak", "").await;
    assert_eq!(nameless.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = nameless.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "author", "{problem}");

    let first = post("Kak, ukuran XL ready?", "Dewi").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let shown: serde_json::Value = first.json().await.unwrap();
    assert_eq!(shown["hidden"], false);
    // A scam cue is taken, hidden from everyone but its author.
    let scam = post("transfer di luar aplikasi lebih murah", "Dewi").await;
    assert_eq!(scam.status(), StatusCode::CREATED);
    let hidden: serde_json::Value = scam.json().await.unwrap();
    assert_eq!(hidden["hidden"], true, "{hidden}");
    // Faster than the pace: 429 with how long to wait, nothing written.
    let mut too_fast = None;
    for _ in 0..5 {
        let r = post("lagi lagi lagi", "Dewi").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            too_fast = Some(r);
            break;
        }
    }
    let too_fast = too_fast.expect("the pace holds");
    assert!(too_fast.headers().contains_key(header::RETRY_AFTER));

    let others_page = app
        .get(&other, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(others_page.contains("Kak, ukuran XL ready?"));
    assert!(!others_page.contains("transfer di luar aplikasi"));
    let own_page = app
        .get(&viewer, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(own_page.contains("transfer di luar aplikasi"));

    // The seller mutes the author: what they wrote leaves the others' chat.
    let marketing = app.demo_member("marketing@etalase.test").await;
    let id = shown["id"].as_str().unwrap();
    let muted = act(&app, &marketing, live, "mute", &[("comment", id)]).await;
    assert_eq!(muted.status(), StatusCode::SEE_OTHER);
    let others_page = app
        .get(&other, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!others_page.contains("Kak, ukuran XL ready?"));
    let console = app
        .get(&marketing, &format!("/seller/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        console.contains("Kak, ukuran XL ready?"),
        "the seller still sees it"
    );

    // The live's cover: shown on its page; a file that is no picture is refused.
    let cover = |bytes: Vec<u8>| {
        let (app, marketing) = (&app, &marketing);
        async move {
            let page = format!("/seller/live/{live}");
            let token = app.csrf(marketing, &page).await;
            let form = reqwest::multipart::Form::new().text("_csrf", token).part(
                "cover",
                reqwest::multipart::Part::bytes(bytes).file_name("sampul.png"),
            );
            marketing
                .post(app.url(&format!("{page}/cover")))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let refused = cover(b"bukan gambar".to_vec()).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("data-testid=\"cover-error\"")
    );
    let set = cover(etalase_testkit::files::product_photo(640)).await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    let picture = app.get(&other, &format!("/live/{live}/cover")).await;
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(picture.headers()[header::CONTENT_TYPE], "image/jpeg");
    let page = app
        .get(&other, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("poster=\"/live/{live}/cover\"")),
        "{page}"
    );
}

on_both_backends!(the_chat_is_paced_screened_and_moderated);
