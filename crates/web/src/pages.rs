//! Page templates (compiled by askama) and the chrome every page shares.

use askama::Template;
use etalase_domain::ErrorCode;
use etalase_domain::policy::{Area, SellerAction};
use etalase_services::FieldError;
use etalase_services::teams::SellerScope;

use crate::ctx::Ctx;
use crate::i18n::T;

/// What the layouts need: translator, CSRF token, who is signed in.
pub struct Chrome {
    pub t: T,
    pub csrf: String,
    pub here: String,
    pub user_name: Option<String>,
    pub is_admin: bool,
    pub is_seller: bool,
    pub notice: Option<String>,
    /// Unread in-app notices of the signed-in person (Seller Center header).
    pub unread_notifications: i64,
}

impl Chrome {
    pub fn new(ctx: &Ctx) -> Chrome {
        let user = ctx.session.as_ref().map(|s| &s.user);
        Chrome {
            t: ctx.t.clone(),
            csrf: ctx.csrf.clone(),
            here: ctx.here.clone(),
            user_name: user.map(|u| u.name.clone()),
            is_admin: user.is_some_and(|u| u.is_admin),
            is_seller: ctx.session.as_ref().is_some_and(|s| s.membership.is_some()),
            notice: None,
            unread_notifications: 0,
        }
    }

    pub fn with_notice(mut self, key: &str) -> Chrome {
        self.notice = Some(self.t.t(key).to_owned());
        self
    }

    /// The other language, offered by the language switch.
    pub fn other_lang(&self) -> &'static str {
        match self.t.lang {
            etalase_domain::Lang::Id => "en",
            etalase_domain::Lang::En => "id",
        }
    }
}

/// Field problems of a submitted form, translated, for display beside fields.
#[derive(Default)]
pub struct FormErrors {
    fields: Vec<(String, String)>,
    pub summary: Option<String>,
}

impl FormErrors {
    pub fn from_service(t: &T, error: &etalase_services::ServiceError) -> FormErrors {
        let fields: Vec<(String, String)> = error
            .fields
            .iter()
            .map(|FieldError { field, code }| (field.to_string(), t.error(*code)))
            .collect();
        let summary = if fields.is_empty() {
            Some(t.error(error.code))
        } else {
            None
        };
        FormErrors { fields, summary }
    }

    pub fn summary_only(t: &T, code: ErrorCode) -> FormErrors {
        FormErrors {
            fields: Vec::new(),
            summary: Some(t.error(code)),
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, message)| message.as_str())
    }

    /// The messages of fields whose name starts with `prefix`
    /// (`items[` for the rows of a list).
    pub fn fields_starting(&self, prefix: &str) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|(f, _)| f.starts_with(prefix))
            .cloned()
            .collect()
    }

    pub fn any(&self) -> bool {
        self.summary.is_some() || !self.fields.is_empty()
    }
}

pub struct NavItem {
    pub label_key: &'static str,
    pub href: &'static str,
    /// Built already; the others are announced as coming.
    pub ready: bool,
    pub active: bool,
}

/// The Seller Center navigation for a member: only what their role may open.
pub fn seller_nav(scope: &SellerScope, active: &str) -> Vec<NavItem> {
    let items: [(Area, &str, &str, bool); 13] = [
        (
            Area::Catalog,
            "seller.nav.catalog",
            "/seller/products",
            true,
        ),
        (
            Area::Inventory,
            "seller.nav.inventory",
            "/seller/stock",
            true,
        ),
        (
            Area::Promotions,
            "seller.nav.promotions",
            "/seller/promotions",
            true,
        ),
        (Area::Content, "seller.nav.content", "/seller/videos", true),
        (Area::Orders, "seller.nav.orders", "/seller/orders", true),
        (
            Area::Fulfillment,
            "seller.nav.fulfillment",
            "/seller/shipping",
            false,
        ),
        (
            Area::Returns,
            "seller.nav.returns",
            "/seller/returns",
            false,
        ),
        (Area::Chat, "seller.nav.chat", "/seller/chat", true),
        (
            Area::Reports,
            "seller.nav.reports",
            "/seller/reports",
            false,
        ),
        (
            Area::Settlements,
            "seller.nav.settlements",
            "/seller/finance",
            false,
        ),
        (Area::Team, "seller.nav.team", "/seller/team", true),
        (
            Area::Integrations,
            "seller.nav.integrations",
            "/seller/api-keys",
            true,
        ),
        (Area::Shop, "seller.nav.shop", "/seller/shop", true),
    ];
    let mut nav = vec![
        NavItem {
            label_key: "seller.nav.dashboard",
            href: "/seller",
            ready: true,
            active: active == "/seller",
        },
        NavItem {
            label_key: "seller.nav.verification",
            href: "/seller/verification",
            ready: true,
            active: active == "/seller/verification",
        },
    ];
    nav.extend(
        items
            .into_iter()
            .filter(|(area, ..)| scope.may(SellerAction::read(*area)))
            .map(|(_, label_key, href, ready)| NavItem {
                label_key,
                href,
                ready,
                active: active == href,
            }),
    );
    nav
}

/// Renders a template, or answers 500 (logged) if it cannot.
/// A JPEG picture (a cover) with its caching rule.
pub fn jpeg(bytes: Vec<u8>, cache: &'static str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, "image/jpeg"),
            (axum::http::header::CACHE_CONTROL, cache),
        ],
        bytes,
    )
        .into_response()
}

pub fn html(template: &impl Template) -> axum::response::Response {
    use axum::response::IntoResponse;
    match template.render() {
        Ok(body) => axum::response::Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            crate::errors::AppError::from(ErrorCode::Internal).into_response()
        }
    }
}

/// How a downloaded file opens: in the browser (a PDF to print) or saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    Inline,
    Attachment,
}

/// A generated file for one reader: never cached by shared caches.
pub fn file(
    body: Vec<u8>,
    content_type: &'static str,
    disposition: Disposition,
    name: &str,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let how = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    // Names are ours (ids and dates): nothing to escape but quotes.
    let name = name.replace('"', "");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("{how}; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
