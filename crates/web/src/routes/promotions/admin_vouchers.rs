//! Admin → Voucher platform: the platform's vouchers, with the same form
//! and detail page as a seller's (see `vouchers`).

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_services::pricing::vouchers::{self, Owner};

use super::vouchers::{
    DetailView, FormView, SwitchForm, VoucherForm, blank_form, detail_view, edit_view, flip, submit,
};
use super::{VoucherRow, voucher_row};
use crate::ctx::AdminCtx;
use crate::errors::AppResult;
use crate::pages::{Chrome, FormErrors, html};
use crate::routes::seller::parse_id;

#[derive(Template)]
#[template(path = "admin/voucher_form.html")]
struct AdminFormPage {
    c: Chrome,
    v: FormView,
}

#[derive(Template)]
#[template(path = "admin/voucher.html")]
struct AdminDetailPage {
    c: Chrome,
    d: DetailView,
}

#[derive(Template)]
#[template(path = "admin/vouchers.html")]
struct AdminListPage {
    c: Chrome,
    vouchers: Vec<VoucherRow>,
}

pub async fn admin_list(a: AdminCtx) -> AppResult<Response> {
    let svc = &a.ctx.state.services;
    let t = &a.ctx.t;
    let vouchers = vouchers::list(svc, Owner::Platform(&a.user))
        .await?
        .iter()
        .map(|v| voucher_row(t, v))
        .collect();
    Ok(html(&AdminListPage {
        c: Chrome::new(&a.ctx),
        vouchers,
    }))
}

pub async fn admin_new(a: AdminCtx) -> AppResult<Response> {
    let v = FormView {
        action: "/admin/vouchers/new".into(),
        platform: true,
        editing: false,
        f: blank_form(a.ctx.state.services.now()),
        findings: Vec::new(),
        errors: FormErrors::default(),
    };
    Ok(html(&AdminFormPage {
        c: Chrome::new(&a.ctx),
        v,
    }))
}

pub async fn admin_create(a: AdminCtx, Form(form): Form<VoucherForm>) -> AppResult<Response> {
    let svc = &a.ctx.state.services;
    match submit(
        svc,
        &a.ctx.t,
        Owner::Platform(&a.user),
        "/admin/vouchers/new".into(),
        None,
        form,
    )
    .await
    {
        Ok(id) => {
            Ok(Redirect::to(&format!("/admin/vouchers/{id}?notice=voucher_saved")).into_response())
        }
        Err((status, v)) => Ok((
            status,
            html(&AdminFormPage {
                c: Chrome::new(&a.ctx),
                v,
            }),
        )
            .into_response()),
    }
}

pub async fn admin_show(
    a: AdminCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<crate::routes::NoticeQuery>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let svc = &a.ctx.state.services;
    let d = detail_view(
        svc,
        &a.ctx.t,
        Owner::Platform(&a.user),
        "/admin/vouchers",
        id,
        true,
        FormErrors::default(),
    )
    .await?;
    let mut c = Chrome::new(&a.ctx);
    c.notice = q.notice.as_deref().and_then(|n| a.ctx.t.notice(n));
    Ok(html(&AdminDetailPage { c, d }))
}

pub async fn admin_switch(
    a: AdminCtx,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<SwitchForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let svc = &a.ctx.state.services;
    match flip(
        svc,
        Owner::Platform(&a.user),
        id,
        &action,
        f.confirm.is_some(),
    )
    .await
    {
        Ok(notice) => {
            Ok(Redirect::to(&format!("/admin/vouchers/{id}?notice={notice}")).into_response())
        }
        Err(e) if matches!(e.code.status(), 409 | 422) => {
            let errors = FormErrors::from_service(&a.ctx.t, &e);
            let d = detail_view(
                svc,
                &a.ctx.t,
                Owner::Platform(&a.user),
                "/admin/vouchers",
                id,
                true,
                errors,
            )
            .await?;
            let status = crate::errors::status_of(e.code);
            Ok((
                status,
                html(&AdminDetailPage {
                    c: Chrome::new(&a.ctx),
                    d,
                }),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn admin_edit_page(a: AdminCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let v = edit_view(
        &a.ctx.state.services,
        Owner::Platform(&a.user),
        "/admin/vouchers",
        id,
    )
    .await?;
    Ok(html(&AdminFormPage {
        c: Chrome::new(&a.ctx),
        v,
    }))
}

pub async fn admin_save(
    a: AdminCtx,
    Path(id): Path<String>,
    Form(form): Form<VoucherForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let svc = &a.ctx.state.services;
    let action = format!("/admin/vouchers/{id}/edit");
    match submit(
        svc,
        &a.ctx.t,
        Owner::Platform(&a.user),
        action,
        Some(id),
        form,
    )
    .await
    {
        Ok(id) => {
            Ok(Redirect::to(&format!("/admin/vouchers/{id}?notice=voucher_saved")).into_response())
        }
        Err((status, v)) => Ok((
            status,
            html(&AdminFormPage {
                c: Chrome::new(&a.ctx),
                v,
            }),
        )
            .into_response()),
    }
}
