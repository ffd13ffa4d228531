//! `/account/addresses`: a buyer's delivery addresses — add (with the
//! province → regency → district pickers, or the district code typed),
//! make one the default, remove.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use etalase_domain::ErrorCode;
use etalase_domain::checkout::AddressForm;
use etalase_domain::id::AddressId;
use etalase_domain::regions::regions;
use etalase_services::checkout::addresses;
use serde::Deserialize;

use crate::ctx::UserCtx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, FormErrors, html};
use crate::routes::safe_next;

pub struct SavedRow {
    pub id: String,
    pub label: String,
    pub recipient: String,
    pub phone: String,
    pub street: String,
    pub area: String,
    pub is_default: bool,
}

#[derive(Template)]
#[template(path = "buy/addresses.html")]
struct AddressesPage {
    c: Chrome,
    saved: Vec<SavedRow>,
    provinces: Vec<(String, String)>,
    form: AddressForm,
    next: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    notice: Option<String>,
}

async fn page(
    u: &UserCtx,
    form: AddressForm,
    next: String,
    errors: FormErrors,
) -> AppResult<AddressesPage> {
    let saved = addresses::list(&u.ctx.state.services, u.session.user.id).await?;
    Ok(AddressesPage {
        saved: saved
            .into_iter()
            .map(|a| SavedRow {
                id: a.id.to_string(),
                area: a.address.area_line(),
                label: a.address.label,
                recipient: a.address.recipient,
                phone: a.address.phone.as_str().to_owned(),
                street: a.address.street,
                is_default: a.is_default,
            })
            .collect(),
        provinces: regions()
            .provinces()
            .iter()
            .map(|p| (p.code.to_owned(), p.name.to_owned()))
            .collect(),
        form,
        next,
        errors,
        c: Chrome::new(&u.ctx),
    })
}

fn next_of(next: Option<&str>) -> String {
    safe_next(next, "/account/addresses")
}

pub async fn show(u: UserCtx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    let mut body = page(
        &u,
        AddressForm::default(),
        next_of(q.next.as_deref()),
        FormErrors::default(),
    )
    .await?;
    body.c.notice = q.notice.as_deref().and_then(|n| u.ctx.t.notice(n));
    Ok(html(&body))
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(flatten)]
    address: AddressForm,
    #[serde(default)]
    make_default: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

pub async fn add(u: UserCtx, Form(form): Form<AddForm>) -> AppResult<Response> {
    let next = next_of(form.next.as_deref());
    match addresses::add(
        &u.ctx.state.services,
        u.session.user.id,
        &form.address,
        form.make_default.is_some(),
    )
    .await
    {
        Ok(_) => {
            let sep = if next.contains('?') { '&' } else { '?' };
            Ok(Redirect::to(&format!("{next}{sep}notice=address_saved")).into_response())
        }
        Err(e) if e.code.status() < 500 => {
            let status = crate::errors::status_of(e.code);
            let errors = FormErrors::from_service(&u.ctx.t, &e);
            let body = page(&u, form.address, next, errors).await?;
            Ok((status, html(&body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn id_of(text: &str) -> AppResult<AddressId> {
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))
}

pub async fn make_default(u: UserCtx, Path(id): Path<String>) -> AppResult<Response> {
    addresses::make_default(&u.ctx.state.services, u.session.user.id, id_of(&id)?).await?;
    Ok(Redirect::to("/account/addresses?notice=address_saved").into_response())
}

pub async fn remove(u: UserCtx, Path(id): Path<String>) -> AppResult<Response> {
    addresses::remove(&u.ctx.state.services, u.session.user.id, id_of(&id)?).await?;
    Ok(Redirect::to("/account/addresses?notice=address_removed").into_response())
}
