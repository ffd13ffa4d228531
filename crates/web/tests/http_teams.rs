//! Seller teams over HTTP: the permission policy, invitations, isolation
//! between shops.

mod common;

use common::{TestApp, location};
use etalase_domain::policy::{Area, Role, SellerAction, role_allows};
use etalase_store::audit;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode};

/// The Seller Center endpoints that exist today, each with the action it needs.
#[derive(Clone, Copy)]
enum Probe {
    ViewTeam,
    ViewMember,
    InviteMember,
    ChangeRole,
    ViewApiKeys,
    CreateApiKey,
    ViewShopSettings,
    RenameShop,
}

impl Probe {
    const ALL: [Probe; 8] = [
        Probe::ViewTeam,
        Probe::ViewMember,
        Probe::InviteMember,
        Probe::ChangeRole,
        Probe::ViewApiKeys,
        Probe::CreateApiKey,
        Probe::ViewShopSettings,
        Probe::RenameShop,
    ];

    fn action(self) -> SellerAction {
        match self {
            Probe::ViewTeam | Probe::ViewMember => SellerAction::read(Area::Team),
            Probe::InviteMember | Probe::ChangeRole => SellerAction::write(Area::Team),
            Probe::ViewApiKeys => SellerAction::read(Area::Integrations),
            Probe::CreateApiKey => SellerAction::write(Area::Integrations),
            Probe::ViewShopSettings => SellerAction::read(Area::Shop),
            Probe::RenameShop => SellerAction::write(Area::Shop),
        }
    }

    /// Performs the action; true when it was allowed, false when refused with 403.
    async fn try_as(self, app: &TestApp, who: &Client, a_member: &str) -> bool {
        let response = match self {
            Probe::ViewTeam => app.get(who, "/seller/team").await,
            Probe::ViewMember => app.get(who, &format!("/seller/team/{a_member}")).await,
            Probe::InviteMember => {
                app.submit(
                    who,
                    "/seller",
                    "/seller/team/invite",
                    &[("email", "calon@contoh.id"), ("role", "finance")],
                )
                .await
            }
            Probe::ChangeRole => {
                app.submit(
                    who,
                    "/seller",
                    &format!("/seller/team/{a_member}/role"),
                    &[("role", "marketing")],
                )
                .await
            }
            Probe::ViewApiKeys => app.get(who, "/seller/api-keys").await,
            Probe::CreateApiKey => {
                app.submit(
                    who,
                    "/seller",
                    "/seller/api-keys",
                    &[("name", "erp"), ("scopes", "catalog:read")],
                )
                .await
            }
            Probe::ViewShopSettings => app.get(who, "/seller/shop").await,
            Probe::RenameShop => {
                app.submit(
                    who,
                    "/seller",
                    "/seller/shop",
                    &[("name", "Nama Baru Toko")],
                )
                .await
            }
        };
        let status = response.status();
        let body = response.text().await.unwrap();
        if status == StatusCode::FORBIDDEN {
            assert!(
                body.contains("Peran Anda tidak mengizinkan"),
                "403 explains itself: {body}"
            );
            false
        } else {
            assert!(
                status.is_success() || status.is_redirection(),
                "{status}: {body}"
            );
            true
        }
    }
}

async fn every_role_and_action_follow_the_policy(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("pemilik@contoh.id", "toko-peran").await;
    let members = [
        (Role::Owner, owner.clone()),
        (
            Role::Marketing,
            app.member(&owner, "marketing@contoh.id", "marketing").await,
        ),
        (
            Role::Operations,
            app.member(&owner, "operasional@contoh.id", "operations")
                .await,
        ),
        (
            Role::Finance,
            app.member(&owner, "keuangan@contoh.id", "finance").await,
        ),
    ];
    // The target of role changes: a finance member who stays finance-capable.
    let target = app.member(&owner, "target@contoh.id", "finance").await;
    drop(target);
    let target_id = app.member_ids(&owner).await.last().unwrap().clone();
    for (role, browser) in &members {
        for probe in Probe::ALL {
            let allowed = probe.try_as(&app, browser, &target_id).await;
            assert_eq!(
                allowed,
                role_allows(*role, probe.action()),
                "{role} × {:?}",
                probe.action()
            );
        }
    }
}

async fn navigation_shows_only_what_the_role_may_open(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("nav@contoh.id", "toko-nav").await;
    let finance = app.member(&owner, "uang@contoh.id", "finance").await;
    let page = app.get(&finance, "/seller").await.text().await.unwrap();
    assert!(page.contains("Keuangan"));
    assert!(page.contains("Analitik"));
    assert!(!page.contains("href=\"/seller/api-keys\""));
    assert!(!page.contains(">Produk"));
    let owner_page = app.get(&owner, "/seller").await.text().await.unwrap();
    assert!(owner_page.contains("href=\"/seller/api-keys\""));
}

async fn an_invitation_is_mailed_accepted_once_and_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("undang@contoh.id", "toko-undang").await;
    let link = app.invite(&owner, "Baru@Contoh.id", "operations").await;
    let mail = app.mailer.sent().pop().expect("invitation e-mailed");
    assert_eq!(mail.to, "baru@contoh.id");
    assert!(mail.body.contains(&format!("http://etalase.test{link}")));
    assert!(mail.subject.contains("Toko toko-undang"));

    // Someone else cannot take it.
    let stranger = app.buyer("orang-lain@contoh.id").await;
    let refused = app.submit(&stranger, &link, &link, &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("untuk email lain"));

    // The invitee signs up from the link and joins with the role.
    let invitee = app.browser();
    let page = app.get(&invitee, &link).await.text().await.unwrap();
    assert!(page.contains("sebagai Operasional"), "{page}");
    app.submit(
        &invitee,
        "/signup",
        "/signup",
        &[
            ("name", "Baru"),
            ("email", "baru@contoh.id"),
            ("password", common::PASSWORD),
            ("password_confirmation", common::PASSWORD),
            ("next", &link),
        ],
    )
    .await;
    let accepted = app.submit(&invitee, &link, &link, &[]).await;
    assert_eq!(location(&accepted), "/seller?notice=joined_team");
    let dashboard = app.get(&invitee, "/seller").await.text().await.unwrap();
    assert!(dashboard.contains("Operasional"));

    // Used once only.
    let again = app.get(&app.browser(), &link).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    let member_id = app.member_ids(&owner).await.last().unwrap().clone();
    let lines = audit::list_for_subject(&app.db.store, "member", &member_id)
        .await
        .unwrap();
    assert_eq!(lines[0].action, "team.member_joined");
}

async fn expired_invitations_cannot_be_used(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("lama@contoh.id", "toko-lama").await;
    let link = app.invite(&owner, "telat@contoh.id", "finance").await;
    let invitee = app.buyer("telat@contoh.id").await;
    app.clock.advance_secs(7 * 24 * 3600 + 1);
    // Keep the owner's and invitee's sessions alive is not the point here: sign in again.
    app.sign_in(&invitee, "telat@contoh.id", common::PASSWORD)
        .await;
    let page = app.get(&invitee, &link).await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().await.unwrap().contains("kedaluwarsa"));
}

async fn a_shop_always_keeps_an_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("satu@contoh.id", "toko-satu").await;
    let own_id = app.member_ids(&owner).await[0].clone();
    let demote = app
        .submit(
            &owner,
            "/seller/team",
            &format!("/seller/team/{own_id}/role"),
            &[("role", "finance")],
        )
        .await;
    assert_eq!(demote.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        demote
            .text()
            .await
            .unwrap()
            .contains("setidaknya satu pemilik")
    );
    let remove = app
        .submit(
            &owner,
            "/seller/team",
            &format!("/seller/team/{own_id}/remove"),
            &[],
        )
        .await;
    assert_eq!(remove.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // With a second owner, the first can step down.
    app.member(&owner, "dua@contoh.id", "owner").await;
    let demote = app
        .submit(
            &owner,
            "/seller/team",
            &format!("/seller/team/{own_id}/role"),
            &[("role", "finance")],
        )
        .await;
    assert_eq!(location(&demote), "/seller/team?notice=role_changed");
    let lines = audit::list_for_subject(&app.db.store, "member", &own_id)
        .await
        .unwrap();
    let change = lines
        .iter()
        .find(|l| l.action == "team.role_changed")
        .unwrap();
    assert_eq!(change.before_summary.as_deref(), Some("owner"));
    assert_eq!(change.after_summary.as_deref(), Some("finance"));
}

async fn one_shop_cannot_reach_another(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let a = app.seller("a@contoh.id", "toko-a").await;
    let b = app.seller("b@contoh.id", "toko-b").await;
    app.member(&b, "rahasia-b@contoh.id", "marketing").await;
    let b_members = app.member_ids(&b).await;
    let b_member = b_members.last().unwrap();
    let b_key = app.api_key(&b, &["shop:read"]).await;
    let b_keys = app.get(&b, "/seller/api-keys").await.text().await.unwrap();
    let b_key_id = b_keys.split("/seller/api-keys/").nth(1).unwrap()[..30].to_owned();

    // A's session: B's ids are simply not found, and nothing of B leaks.
    for path in [format!("/seller/team/{b_member}")] {
        let response = app.get(&a, &path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(!response.text().await.unwrap().contains("rahasia-b"));
    }
    for (action, fields) in [
        (
            format!("/seller/team/{b_member}/role"),
            vec![("role", "owner")],
        ),
        (format!("/seller/team/{b_member}/remove"), vec![]),
        (format!("/seller/api-keys/{b_key_id}/revoke"), vec![]),
    ] {
        let response = app.submit(&a, "/seller", &action, &fields).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{action}");
    }
    // B's data is untouched: the member still marketing, the key still works.
    let team = app.get(&b, "/seller/team").await.text().await.unwrap();
    assert!(team.contains("rahasia-b@contoh.id"));
    let shop = reqwest::Client::new()
        .get(app.url("/api/v1/shop"))
        .bearer_auth(&b_key)
        .send()
        .await
        .unwrap();
    assert_eq!(shop.status(), StatusCode::OK);

    // A's API key: B's member is not found either.
    let a_key = app.api_key(&a, &["team:read"]).await;
    let response = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/team/members/{b_member}")))
        .bearer_auth(&a_key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let listing = reqwest::Client::new()
        .get(app.url("/api/v1/team/members"))
        .bearer_auth(&a_key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listing.contains("a@contoh.id"));
    assert!(!listing.contains("b@contoh.id") && !listing.contains("rahasia-b"));
}

on_both_backends!(
    every_role_and_action_follow_the_policy,
    navigation_shows_only_what_the_role_may_open,
    an_invitation_is_mailed_accepted_once_and_audited,
    expired_invitations_cannot_be_used,
    a_shop_always_keeps_an_owner,
    one_shop_cannot_reach_another,
);
