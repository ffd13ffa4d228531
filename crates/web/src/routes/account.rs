//! A user's own account: details and password.

use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_services::accounts;
use serde::Deserialize;

use super::NoticeQuery;
use crate::ctx::UserCtx;
use crate::pages::{Chrome, FormErrors, html};

#[derive(Template)]
#[template(path = "shop/account.html")]
struct AccountPage {
    c: Chrome,
    name: String,
    email: String,
    since: String,
    errors: FormErrors,
}

fn account_page(user: &UserCtx, errors: FormErrors) -> AccountPage {
    let u = &user.session.user;
    AccountPage {
        c: Chrome::new(&user.ctx),
        name: u.name.clone(),
        email: u.email.to_string(),
        since: user.ctx.t.time(&u.created_at),
        errors,
    }
}

pub async fn show(user: UserCtx, Query(query): Query<NoticeQuery>) -> Response {
    let mut page = account_page(&user, FormErrors::default());
    page.c.notice = query.notice.as_deref().and_then(|n| user.ctx.t.notice(n));
    html(&page)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirmation: String,
}

pub async fn change_password(user: UserCtx, Form(form): Form<PasswordForm>) -> Response {
    match accounts::change_password(
        &user.ctx.state.services,
        &user.session,
        &form.current_password,
        &form.new_password,
        &form.new_password_confirmation,
    )
    .await
    {
        Ok(()) => Redirect::to("/account?notice=password_changed").into_response(),
        Err(error) if error.code.status() < 500 => {
            let status = StatusCode::from_u16(error.code.status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let errors = FormErrors::from_service(&user.ctx.t, &error);
            (status, html(&account_page(&user, errors))).into_response()
        }
        Err(error) => crate::errors::AppError::from(error).into_response(),
    }
}
