//! What every HTML request knows about its user: language, session, CSRF
//! token; and the extractors that require a seller or an admin.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use etalase_domain::ErrorCode;
use etalase_services::accounts::{self, ClientInfo, CurrentSession};
use etalase_services::teams::SellerScope;

use crate::csrf::{Visitor, token_for};
use crate::errors::{AppError, LangSlot};
use crate::i18n::{T, lang_from_headers};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "etalase_session";
/// The cookie holding a guest's cart key (random; stored hashed).
pub const CART_COOKIE: &str = "etalase_cart";

pub struct Ctx {
    pub state: AppState,
    pub t: T,
    pub csrf: String,
    pub session: Option<CurrentSession>,
    /// The browser presented a session that timed out.
    pub session_expired: bool,
    pub session_token: Option<String>,
    /// A guest's cart key (its cookie), kept until they sign in.
    pub cart_key: Option<String>,
    /// Path and query of this request, for "come back here" links.
    pub here: String,
    pub client: ClientInfo,
    /// The browser's visitor id (the CSRF cookie), empty when it has none.
    visitor: String,
    /// The browser presented its visitor id (it was not made for this
    /// request).
    returning: bool,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let session_token = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
        let cart_key = jar.get(CART_COOKIE).map(|c| c.value().to_owned());
        let (session, session_expired) = match &session_token {
            Some(token) => match accounts::current_session(&state.services, token).await {
                Ok(session) => (session, false),
                Err(e) if e.code == ErrorCode::SessionExpired => (None, true),
                Err(e) => return Err(e.into()),
            },
            None => (None, false),
        };
        let lang = session
            .as_ref()
            .and_then(|s| s.user.lang)
            .unwrap_or_else(|| lang_from_headers(&parts.headers));
        if let Some(slot) = parts.extensions.get::<LangSlot>()
            && let Ok(mut slot) = slot.0.lock()
        {
            *slot = Some(lang);
        }
        let (visitor, returning) = parts
            .extensions
            .get::<Visitor>()
            .map(|v| (v.0.clone(), v.1))
            .unwrap_or_default();
        let here = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        let here = here
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let ip = client_address(parts, state.config.behind_proxy);
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(Ctx {
            state: state.clone(),
            t: state.translator(lang),
            csrf: token_for(state.config.secret_key.expose(), &visitor),
            session,
            session_expired,
            session_token,
            cart_key,
            here,
            client: ClientInfo { ip, user_agent },
            visitor,
            returning,
        })
    }
}

impl Ctx {
    /// An attribution event of this request: the signed-in buyer, and a
    /// one-way digest of the visitor cookie (so a visit's events group
    /// together without the cookie ever being stored).
    pub fn event(
        &self,
        kind: etalase_domain::attribution::EventKind,
        source: etalase_domain::checkout::Source,
    ) -> etalase_domain::attribution::AttributionEvent {
        etalase_domain::attribution::AttributionEvent {
            buyer: self.session.as_ref().map(|s| s.user.id),
            // A browser without the cookie yet is nobody known: its events
            // are anonymous (and its impressions counted together), rather
            // than a new visitor on every request of a cookieless client.
            visitor: self.returning.then(|| self.visitor_digest()).flatten(),
            ..etalase_domain::attribution::AttributionEvent::new(kind, source)
        }
    }

    /// A one-way digest of the visitor cookie: who a guest is across
    /// requests (their events, their comments on a live) without the
    /// cookie itself being stored. `None` for a browser without one.
    pub fn visitor_digest(&self) -> Option<String> {
        use sha2::Digest;
        (!self.visitor.is_empty()).then(|| {
            let mut digest = sha2::Sha256::new();
            digest.update(b"etalase-visitor:");
            digest.update(self.state.config.secret_key.expose().as_bytes());
            digest.update(self.visitor.as_bytes());
            digest
                .finalize()
                .iter()
                .take(12)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
    }

    pub fn session_cookie(&self, token: String) -> Cookie<'static> {
        Cookie::build((SESSION_COOKIE, token))
            .path("/")
            .http_only(true)
            .secure(self.state.config.secure_cookies)
            .same_site(SameSite::Lax)
            .build()
    }

    pub fn removal_cookie(&self) -> Cookie<'static> {
        let mut cookie = Cookie::build((SESSION_COOKIE, "")).path("/").build();
        cookie.make_removal();
        cookie
    }

    /// Sends a person who is not signed in to the sign-in page of a surface,
    /// to come back here afterwards.
    pub fn to_sign_in(&self, sign_in_path: &str) -> Response {
        let reason = if self.session_expired {
            "&expired=1"
        } else {
            ""
        };
        let next = url_encode(&self.here);
        Redirect::to(&format!("{sign_in_path}?next={next}{reason}")).into_response()
    }
}

/// The address of the person at the other end, for throttling and the audit.
fn client_address(parts: &Parts, behind_proxy: bool) -> String {
    address(&parts.headers, &parts.extensions, behind_proxy)
}

/// The same, from a whole request (a middleware).
pub(crate) fn client_address_of(request: &axum::extract::Request, behind_proxy: bool) -> String {
    address(request.headers(), request.extensions(), behind_proxy)
}

fn address(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    behind_proxy: bool,
) -> String {
    let forwarded = behind_proxy
        .then(|| headers.get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim)
        .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok());
    match forwarded {
        Some(ip) => ip.to_owned(),
        None => extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into()),
    }
}

pub fn url_encode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// A signed-in member of a seller's team.
pub struct SellerCtx {
    pub ctx: Ctx,
    pub scope: SellerScope,
    pub shop: etalase_store::sellers::Seller,
    /// The signed-in member.
    pub user_id: etalase_domain::id::UserId,
    /// The member's unread in-app notices, for the header.
    pub unread_notifications: i64,
}

impl FromRequestParts<AppState> for SellerCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(session) = &ctx.session else {
            return Err(ctx.to_sign_in("/seller/signin"));
        };
        let Ok(scope) = SellerScope::for_session(session) else {
            // Signed in, but without a shop: offer to open one.
            return Err(Redirect::to("/seller/signup").into_response());
        };
        let shop = etalase_store::sellers::get_seller(&state.services.store, scope.seller_id)
            .await
            .map_err(|e| AppError::from(e).into_response())?;
        let unread_notifications =
            etalase_services::notifications::unread_count(&state.services, session.user.id)
                .await
                .map_err(|e| AppError::from(e).into_response())?;
        let user_id = session.user.id;
        Ok(SellerCtx {
            ctx,
            scope,
            shop,
            user_id,
            unread_notifications,
        })
    }
}

/// A signed-in platform admin.
pub struct AdminCtx {
    pub ctx: Ctx,
    /// The admin, taken from the session.
    pub user: etalase_store::accounts::User,
}

impl FromRequestParts<AppState> for AdminCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match &ctx.session {
            None => Err(ctx.to_sign_in("/admin/signin")),
            Some(session) if !session.user.is_admin => {
                Err(AppError::from(ErrorCode::AdminOnly).into_response())
            }
            Some(session) => {
                let user = session.user.clone();
                Ok(AdminCtx { ctx, user })
            }
        }
    }
}

/// A signed-in user of any kind.
pub struct UserCtx {
    pub ctx: Ctx,
    pub session: CurrentSession,
}

impl FromRequestParts<AppState> for UserCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match ctx.session.clone() {
            Some(session) => Ok(UserCtx { ctx, session }),
            None => Err(ctx.to_sign_in("/signin")),
        }
    }
}
