//! Seller Center pages (desktop first). Every handler takes a [`SellerCtx`],
//! whose scope carries the seller from the session; ids in URLs are looked
//! up inside that seller only, so another shop's data is simply not found.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::{ApiKeyId, InvitationId, MemberId};
use etalase_domain::policy::{ApiScope, Area, Role, SellerAction};
use etalase_domain::seller::SellerStatus;
use etalase_services::{api_keys, teams};
use serde::Deserialize;

use super::NoticeQuery;
use crate::ctx::{Ctx, SellerCtx};
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, FormErrors, NavItem, html, seller_nav};

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Owner => "role.owner",
        Role::Marketing => "role.marketing",
        Role::Operations => "role.operations",
        Role::Finance => "role.finance",
    }
}

fn role_help_key(role: Role) -> &'static str {
    match role {
        Role::Owner => "role.owner_help",
        Role::Marketing => "role.marketing_help",
        Role::Operations => "role.operations_help",
        Role::Finance => "role.finance_help",
    }
}

pub fn status_key(status: SellerStatus) -> &'static str {
    match status {
        SellerStatus::Pending => "seller.status.pending",
        SellerStatus::Approved => "seller.status.approved",
        SellerStatus::Rejected => "seller.status.rejected",
        SellerStatus::Suspended => "seller.status.suspended",
    }
}

/// The frame of every Seller Center page.
pub struct Frame {
    pub c: Chrome,
    pub nav: Vec<NavItem>,
    pub shop_name: String,
    pub role_key: &'static str,
}

pub fn frame(s: &SellerCtx, active: &str, notice: Option<&str>) -> Frame {
    let mut c = Chrome::new(&s.ctx);
    c.notice = notice.and_then(|n| s.ctx.t.notice(n));
    c.unread_notifications = s.unread_notifications;
    Frame {
        c,
        nav: seller_nav(&s.scope, active),
        shop_name: s.shop.name.clone(),
        role_key: s.scope.role().map(role_key).unwrap_or("role.owner"),
    }
}

// ---- dashboard -------------------------------------------------------------

#[derive(Template)]
#[template(path = "seller/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    name: String,
    status: &'static str,
    status_key: &'static str,
    status_help_key: String,
    role_help_key: &'static str,
}

pub async fn dashboard(s: SellerCtx, Query(q): Query<NoticeQuery>) -> Response {
    let f = frame(&s, "/seller", q.notice.as_deref());
    let name = s
        .ctx
        .session
        .as_ref()
        .map(|x| x.user.name.clone())
        .unwrap_or_default();
    let status = s.shop.status;
    html(&DashboardPage {
        c: f.c,
        nav: f.nav,
        shop_name: f.shop_name,
        role_key: f.role_key,
        name,
        status: status.as_str(),
        status_key: status_key(status),
        status_help_key: format!("{}_help", status_key(status)),
        role_help_key: s
            .scope
            .role()
            .map(role_help_key)
            .unwrap_or("role.owner_help"),
    })
}

// ---- team ------------------------------------------------------------------

pub struct MemberRow {
    id: String,
    name: String,
    email: String,
    role: &'static str,
    role_key: &'static str,
    since: String,
}

pub struct InvitationRow {
    id: String,
    email: String,
    role_key: &'static str,
    expires: String,
}

pub struct RoleOption {
    value: &'static str,
    label_key: &'static str,
    help_key: &'static str,
}

#[derive(Template)]
#[template(path = "seller/team.html")]
struct TeamPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    members: Vec<MemberRow>,
    invitations: Vec<InvitationRow>,
    roles: Vec<RoleOption>,
    can_manage: bool,
    new_link: Option<String>,
    invite_email: String,
    errors: FormErrors,
}

async fn team_page(
    s: &SellerCtx,
    notice: Option<&str>,
    new_link: Option<String>,
    invite_email: String,
    errors: FormErrors,
) -> AppResult<TeamPage> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let members = teams::members(svc, &s.scope)
        .await?
        .into_iter()
        .map(|m| MemberRow {
            id: m.id.to_string(),
            name: m.name,
            email: m.email,
            role: m.role.as_str(),
            role_key: role_key(m.role),
            since: t.time(&m.created_at),
        })
        .collect();
    let invitations = teams::open_invitations(svc, &s.scope)
        .await?
        .into_iter()
        .map(|i| InvitationRow {
            id: i.id.to_string(),
            email: i.email,
            role_key: role_key(i.role),
            expires: t.time(&i.expires_at),
        })
        .collect();
    let f = frame(s, "/seller/team", notice);
    Ok(TeamPage {
        c: f.c,
        nav: f.nav,
        shop_name: f.shop_name,
        role_key: f.role_key,
        members,
        invitations,
        roles: Role::ALL
            .into_iter()
            .map(|r| RoleOption {
                value: r.as_str(),
                label_key: role_key(r),
                help_key: role_help_key(r),
            })
            .collect(),
        can_manage: s.scope.may(SellerAction::write(Area::Team)),
        new_link,
        invite_email,
        errors,
    })
}

pub async fn team(s: SellerCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    let page = team_page(
        &s,
        q.notice.as_deref(),
        None,
        String::new(),
        FormErrors::default(),
    )
    .await?;
    Ok(html(&page))
}

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
}

pub async fn invite(s: SellerCtx, Form(form): Form<InviteForm>) -> AppResult<Response> {
    match teams::invite(&s.ctx.state.services, &s.scope, &form.email, &form.role).await {
        Ok(sent) => {
            let page = team_page(
                &s,
                Some("invitation_sent"),
                Some(sent.link),
                String::new(),
                FormErrors::default(),
            )
            .await?;
            Ok(html(&page))
        }
        Err(error) if error.code.status() == 403 => Err(error.into()),
        Err(error) if error.code.status() < 500 => {
            let status = StatusCode::from_u16(error.code.status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let errors = FormErrors::from_service(&s.ctx.t, &error);
            let page = team_page(&s, None, None, form.email, errors).await?;
            Ok((status, html(&page)).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "seller/member.html")]
struct MemberPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    member_name: String,
    member_email: String,
    member_role_key: &'static str,
    member_since: String,
}

pub fn parse_id<T: std::str::FromStr>(text: &str) -> AppResult<T> {
    // A malformed id names nothing: not found, like another shop's id.
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))
}

pub async fn member(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: MemberId = parse_id(&id)?;
    let m = teams::member(&s.ctx.state.services, &s.scope, id).await?;
    let f = frame(&s, "/seller/team", None);
    Ok(html(&MemberPage {
        c: f.c,
        nav: f.nav,
        shop_name: f.shop_name,
        role_key: f.role_key,
        member_name: m.name,
        member_email: m.email,
        member_role_key: role_key(m.role),
        member_since: s.ctx.t.time(&m.created_at),
    }))
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn change_role(
    s: SellerCtx,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> AppResult<Response> {
    let id: MemberId = parse_id(&id)?;
    match teams::change_role(&s.ctx.state.services, &s.scope, id, &form.role).await {
        Ok(_) => Ok(Redirect::to("/seller/team?notice=role_changed").into_response()),
        Err(error)
            if error.code == ErrorCode::LastOwner || error.code == ErrorCode::InvalidRole =>
        {
            let errors = FormErrors::summary_only(&s.ctx.t, error.code);
            let page = team_page(&s, None, None, String::new(), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn remove_member(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: MemberId = parse_id(&id)?;
    match teams::remove_member(&s.ctx.state.services, &s.scope, id).await {
        Ok(()) => Ok(Redirect::to("/seller/team?notice=member_removed").into_response()),
        Err(error) if error.code == ErrorCode::LastOwner => {
            let errors = FormErrors::summary_only(&s.ctx.t, error.code);
            let page = team_page(&s, None, None, String::new(), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn revoke_invitation(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: InvitationId = parse_id(&id)?;
    teams::revoke_invitation(&s.ctx.state.services, &s.scope, id).await?;
    Ok(Redirect::to("/seller/team?notice=invitation_revoked").into_response())
}

// ---- invitations (the invitee's side) ---------------------------------------

#[derive(Template)]
#[template(path = "seller/invitation.html")]
struct InvitationPage {
    c: Chrome,
    surface: &'static str,
    home: &'static str,
    shop_name: String,
    role_key: &'static str,
    email: String,
    signed_in: bool,
    next: String,
    errors: FormErrors,
}

async fn invitation_page(ctx: &Ctx, token: &str, errors: FormErrors) -> AppResult<InvitationPage> {
    let invitation = teams::invitation_by_token(&ctx.state.services, token).await?;
    Ok(InvitationPage {
        c: Chrome::new(ctx),
        surface: "seller",
        home: "/seller",
        shop_name: invitation.seller_name,
        role_key: role_key(invitation.role),
        email: invitation.email,
        signed_in: ctx.session.is_some(),
        next: crate::ctx::url_encode(&ctx.here),
        errors,
    })
}

pub async fn show_invitation(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    Ok(html(
        &invitation_page(&ctx, &token, FormErrors::default()).await?,
    ))
}

pub async fn accept_invitation(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let Some(session) = &ctx.session else {
        return Ok(ctx.to_sign_in("/seller/signin"));
    };
    match teams::accept_invitation(&ctx.state.services, &session.user, &token).await {
        Ok(_) => Ok(Redirect::to("/seller?notice=joined_team").into_response()),
        Err(error)
            if matches!(
                error.code,
                ErrorCode::InvitationEmailMismatch | ErrorCode::AlreadyMember
            ) =>
        {
            let errors = FormErrors::summary_only(&ctx.t, error.code);
            let page = invitation_page(&ctx, &token, errors).await?;
            Ok((
                StatusCode::from_u16(error.code.status()).unwrap_or(StatusCode::CONFLICT),
                html(&page),
            )
                .into_response())
        }
        Err(error) => Err(error.into()),
    }
}

// ---- API keys ----------------------------------------------------------------

pub struct KeyRow {
    id: String,
    name: String,
    prefix: String,
    scopes: String,
    last_used: Option<String>,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "seller/api_keys.html")]
struct KeysPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    keys: Vec<KeyRow>,
    scopes: Vec<String>,
    new_secret: Option<String>,
    errors: FormErrors,
}

async fn keys_page(
    s: &SellerCtx,
    notice: Option<&str>,
    new_secret: Option<String>,
    errors: FormErrors,
) -> AppResult<KeysPage> {
    let keys = api_keys::list(&s.ctx.state.services, &s.scope)
        .await?
        .into_iter()
        .map(|k| KeyRow {
            id: k.id.to_string(),
            name: k.name,
            prefix: k.token_prefix,
            scopes: k
                .scopes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            last_used: k.last_used_at.map(|at| s.ctx.t.time(&at)),
            revoked: k.revoked_at.is_some(),
        })
        .collect();
    let f = frame(s, "/seller/api-keys", notice);
    Ok(KeysPage {
        c: f.c,
        nav: f.nav,
        shop_name: f.shop_name,
        role_key: f.role_key,
        keys,
        scopes: ApiScope::all()
            .filter(|s| s.grantable())
            .map(|s| s.to_string())
            .collect(),
        new_secret,
        errors,
    })
}

pub async fn list_keys(s: SellerCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    Ok(html(
        &keys_page(&s, q.notice.as_deref(), None, FormErrors::default()).await?,
    ))
}

#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
}

pub async fn create_key(
    s: SellerCtx,
    axum_extra::extract::Form(form): axum_extra::extract::Form<KeyForm>,
) -> AppResult<Response> {
    match api_keys::create(&s.ctx.state.services, &s.scope, &form.name, &form.scopes).await {
        Ok(created) => Ok(html(
            &keys_page(
                &s,
                Some("key_created"),
                Some(created.secret),
                FormErrors::default(),
            )
            .await?,
        )),
        Err(error) if error.code.status() == 422 => {
            let errors = FormErrors::from_service(&s.ctx.t, &error);
            let page = keys_page(&s, None, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn revoke_key(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: ApiKeyId = parse_id(&id)?;
    api_keys::revoke(&s.ctx.state.services, &s.scope, id).await?;
    Ok(Redirect::to("/seller/api-keys?notice=key_revoked").into_response())
}

// ---- shop settings -------------------------------------------------------------

#[derive(Template)]
#[template(path = "seller/shop.html")]
struct ShopPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    name: String,
    slug: String,
    status_key: &'static str,
    since: String,
    can_edit: bool,
    errors: FormErrors,
}

async fn shop_page(
    s: &SellerCtx,
    notice: Option<&str>,
    name: Option<String>,
    errors: FormErrors,
) -> AppResult<ShopPage> {
    let shop = teams::shop(&s.ctx.state.services, &s.scope).await?;
    let f = frame(s, "/seller/shop", notice);
    Ok(ShopPage {
        c: f.c,
        nav: f.nav,
        shop_name: f.shop_name,
        role_key: f.role_key,
        name: name.unwrap_or(shop.name),
        slug: shop.slug,
        status_key: status_key(shop.status),
        since: s.ctx.t.time(&shop.created_at),
        can_edit: s.scope.may(SellerAction::write(Area::Shop)),
        errors,
    })
}

pub async fn shop(s: SellerCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    Ok(html(
        &shop_page(&s, q.notice.as_deref(), None, FormErrors::default()).await?,
    ))
}

#[derive(Deserialize)]
pub struct ShopForm {
    name: String,
}

pub async fn rename_shop(s: SellerCtx, Form(form): Form<ShopForm>) -> AppResult<Response> {
    match teams::rename_shop(&s.ctx.state.services, &s.scope, &form.name).await {
        Ok(_) => Ok(Redirect::to("/seller/shop?notice=saved").into_response()),
        Err(error) if error.code.status() == 422 => {
            let errors = FormErrors::from_service(&s.ctx.t, &error);
            let page = shop_page(&s, None, Some(form.name), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(error) => Err(error.into()),
    }
}
