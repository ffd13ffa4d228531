//! Sign-in, sign-up and sign-out on each surface, and the language switch.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use etalase_domain::{ErrorCode, Lang};
use etalase_services::accounts::{self, ShopDetails, SignUp};
use serde::Deserialize;

use super::safe_next;
use crate::ctx::Ctx;
use crate::errors::AppResult;
use crate::i18n::LANG_COOKIE;
use crate::pages::{Chrome, FormErrors, html};
use crate::state::AppState;

/// One of the three doors into etalase.
pub struct Surface {
    pub name: &'static str,
    pub home: &'static str,
    pub sign_in: &'static str,
    pub title_key: &'static str,
    pub sign_up: Option<(&'static str, &'static str)>,
}

pub const SHOP: Surface = Surface {
    name: "shop",
    home: "/",
    sign_in: "/signin",
    title_key: "auth.sign_in_shop",
    sign_up: Some(("/signup", "auth.sign_up")),
};
pub const SELLER: Surface = Surface {
    name: "seller",
    home: "/seller",
    sign_in: "/seller/signin",
    title_key: "auth.sign_in_seller",
    sign_up: Some(("/seller/signup", "seller.signup.title")),
};
pub const ADMIN: Surface = Surface {
    name: "admin",
    home: "/admin",
    sign_in: "/admin/signin",
    title_key: "auth.sign_in_admin",
    sign_up: None,
};

#[derive(Template)]
#[template(path = "auth/signin.html")]
struct SignInPage {
    c: Chrome,
    surface: &'static str,
    home: &'static str,
    title_key: &'static str,
    action: &'static str,
    next: String,
    email: String,
    errors: FormErrors,
    signup_href: Option<&'static str>,
    signup_key: &'static str,
}

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    next: Option<String>,
    expired: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

fn sign_in_page(
    ctx: &Ctx,
    surface: &Surface,
    next: String,
    email: String,
    errors: FormErrors,
) -> SignInPage {
    SignInPage {
        c: Chrome::new(ctx),
        surface: surface.name,
        home: surface.home,
        title_key: surface.title_key,
        action: surface.sign_in,
        next,
        email,
        errors,
        signup_href: surface.sign_up.map(|(href, _)| href),
        signup_key: surface
            .sign_up
            .map(|(_, key)| key)
            .unwrap_or("auth.sign_up"),
    }
}

pub async fn show_sign_in(ctx: Ctx, surface: &Surface, query: SignInQuery) -> Response {
    let next = safe_next(query.next.as_deref(), surface.home);
    let mut page = sign_in_page(&ctx, surface, next, String::new(), FormErrors::default());
    if query.expired.is_some() {
        page.c = page.c.with_notice("notice.session_expired");
    } else if let Some(notice) = query.notice.as_deref() {
        page.c.notice = ctx.t.notice(notice);
    }
    html(&page)
}

pub async fn sign_in(ctx: Ctx, surface: &Surface, form: SignInForm) -> Response {
    let next = safe_next(form.next.as_deref(), surface.home);
    match accounts::sign_in(
        &ctx.state.services,
        &form.email,
        &form.password,
        &ctx.client,
        ctx.session_token.as_deref(),
    )
    .await
    {
        Ok(signed_in) => {
            let jar = CookieJar::new().add(ctx.session_cookie(signed_in.token));
            let jar = crate::routes::buy::adopt_guest_cart(&ctx, jar, signed_in.user.id).await;
            (jar, Redirect::to(&next)).into_response()
        }
        Err(error) if error.code.status() < 500 => {
            let status =
                StatusCode::from_u16(error.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
            let errors = FormErrors::from_service(&ctx.t, &error);
            let page = sign_in_page(&ctx, surface, next, form.email, errors);
            let mut response = (status, html(&page)).into_response();
            if error.code == ErrorCode::TooManyAttempts {
                let retry = ctx.state.services.config.throttle.lockout_secs.to_string();
                if let Ok(value) = retry.parse() {
                    response
                        .headers_mut()
                        .insert(axum::http::header::RETRY_AFTER, value);
                }
            }
            response
        }
        Err(error) => crate::errors::AppError::from(error).into_response(),
    }
}

macro_rules! surface_sign_in {
    ($show:ident, $submit:ident, $surface:expr) => {
        pub async fn $show(ctx: Ctx, Query(query): Query<SignInQuery>) -> Response {
            show_sign_in(ctx, &$surface, query).await
        }
        pub async fn $submit(ctx: Ctx, Form(form): Form<SignInForm>) -> Response {
            sign_in(ctx, &$surface, form).await
        }
    };
}

surface_sign_in!(shop_sign_in_page, shop_sign_in, SHOP);
surface_sign_in!(seller_sign_in_page, seller_sign_in, SELLER);
surface_sign_in!(admin_sign_in_page, admin_sign_in, ADMIN);

#[derive(Deserialize, Default)]
pub struct SignOutForm {
    next: Option<String>,
}

pub async fn sign_out(ctx: Ctx, Form(form): Form<SignOutForm>) -> AppResult<Response> {
    if let Some(token) = &ctx.session_token {
        accounts::sign_out(&ctx.state.services, token).await?;
    }
    let next = safe_next(form.next.as_deref(), "/");
    let jar = CookieJar::new().add(ctx.removal_cookie());
    Ok((
        jar,
        Redirect::to(&format!(
            "{next}{}notice=signed_out",
            if next.contains('?') { '&' } else { '?' }
        )),
    )
        .into_response())
}

// ---- sign-up -----------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct SignUpForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
    #[serde(default)]
    pub shop_name: String,
    #[serde(default)]
    pub shop_slug: String,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
struct SignUpPage {
    c: Chrome,
    surface: &'static str,
    home: &'static str,
    title_key: &'static str,
    submit_key: &'static str,
    action: &'static str,
    signin_href: &'static str,
    signed_in: bool,
    next: String,
    form: SignUpForm,
    errors: FormErrors,
}

fn sign_up_page(
    ctx: &Ctx,
    seller: bool,
    next: String,
    form: SignUpForm,
    errors: FormErrors,
) -> SignUpPage {
    let signed_in = ctx.session.is_some();
    SignUpPage {
        c: Chrome::new(ctx),
        surface: if seller { "seller" } else { "shop" },
        home: if seller { "/seller" } else { "/" },
        title_key: match (seller, signed_in) {
            (true, true) => "seller.signup.open_shop",
            (true, false) => "seller.signup.title",
            _ => "auth.sign_up_title",
        },
        submit_key: if seller {
            "seller.signup.submit"
        } else {
            "auth.sign_up"
        },
        action: if seller { "/seller/signup" } else { "/signup" },
        signin_href: if seller { "/seller/signin" } else { "/signin" },
        signed_in,
        next,
        form,
        errors,
    }
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn buyer_sign_up_page(ctx: Ctx, Query(query): Query<NextQuery>) -> Response {
    let next = safe_next(query.next.as_deref(), "/");
    html(&sign_up_page(
        &ctx,
        false,
        next,
        SignUpForm::default(),
        FormErrors::default(),
    ))
}

pub async fn seller_sign_up_page(ctx: Ctx) -> Response {
    if ctx.session.as_ref().is_some_and(|s| s.membership.is_some()) {
        return Redirect::to("/seller").into_response();
    }
    html(&sign_up_page(
        &ctx,
        true,
        "/seller".into(),
        SignUpForm::default(),
        FormErrors::default(),
    ))
}

pub async fn buyer_sign_up(ctx: Ctx, Form(form): Form<SignUpForm>) -> Response {
    let next = safe_next(form.next.as_deref(), "/");
    let result = accounts::sign_up(
        &ctx.state.services,
        sign_up_fields(&form, ctx.t.lang),
        &ctx.client,
    )
    .await;
    if let (Ok(signed_in), Some(key)) = (&result, &ctx.cart_key) {
        // The new buyer keeps what they put in the cart as a guest.
        if let Err(e) = etalase_services::checkout::cart::merge_guest(
            &ctx.state.services,
            key,
            signed_in.user.id,
        )
        .await
        {
            tracing::warn!(error = %e, "merging a guest cart failed");
        }
    }
    finish_sign_up(ctx, false, next, form, result.map(|s| Some(s.token)))
}

pub async fn seller_sign_up(ctx: Ctx, Form(form): Form<SignUpForm>) -> Response {
    let shop = ShopDetails {
        shop_name: &form.shop_name,
        shop_slug: &form.shop_slug,
    };
    let result = match &ctx.session {
        Some(session) if session.membership.is_none() => {
            accounts::open_shop(&ctx.state.services, &session.user, shop)
                .await
                .map(|_| None)
        }
        Some(_) => return Redirect::to("/seller").into_response(),
        None => accounts::sign_up_seller(
            &ctx.state.services,
            sign_up_fields(&form, ctx.t.lang),
            shop,
            &ctx.client,
        )
        .await
        .map(|s| Some(s.token)),
    };
    finish_sign_up(ctx, true, "/seller?notice=shop_opened".into(), form, result)
}

fn sign_up_fields(form: &SignUpForm, lang: Lang) -> SignUp<'_> {
    SignUp {
        email: &form.email,
        name: &form.name,
        password: &form.password,
        password_confirmation: &form.password_confirmation,
        lang,
    }
}

fn finish_sign_up(
    ctx: Ctx,
    seller: bool,
    next: String,
    form: SignUpForm,
    result: etalase_services::ServiceResult<Option<String>>,
) -> Response {
    match result {
        Ok(token) => {
            let mut jar = CookieJar::new();
            if let Some(token) = token {
                jar = jar.add(ctx.session_cookie(token));
            }
            (jar, Redirect::to(&next)).into_response()
        }
        Err(error) if error.code.status() < 500 => {
            let status = StatusCode::from_u16(error.code.status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let errors = FormErrors::from_service(&ctx.t, &error);
            let form = SignUpForm {
                password: String::new(),
                password_confirmation: String::new(),
                ..form
            };
            (
                status,
                html(&sign_up_page(&ctx, seller, next, form, errors)),
            )
                .into_response()
        }
        Err(error) => crate::errors::AppError::from(error).into_response(),
    }
}

// ---- language ----------------------------------------------------------

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    next: Option<String>,
}

/// Switches the language: remembered in a cookie, and in the account of a
/// signed-in user so it follows them to other devices.
pub async fn switch_language(
    ctx: Ctx,
    State(state): State<AppState>,
    Form(form): Form<LangForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&form.lang).ok_or(ErrorCode::InvalidLanguage)?;
    if let Some(session) = &ctx.session {
        accounts::set_language(&state.services, session.user.id, lang).await?;
    }
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(axum_extra::extract::cookie::SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(time::Duration::days(365))
        .build();
    let next = safe_next(form.next.as_deref(), "/");
    Ok((CookieJar::new().add(cookie), Redirect::to(&next)).into_response())
}
