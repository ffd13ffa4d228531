//! The buyer's side of a purchase: the cart (guests too), delivery
//! addresses, the checkout summary and placing it, and the buyer's orders.

pub mod addresses;
pub mod cart;
pub mod checkout;
pub mod orders;

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use etalase_services::checkout::Shopper;

use crate::ctx::{CART_COOKIE, Ctx};

/// Who is shopping, if anyone has a cart yet: the signed-in buyer, or the
/// guest whose cart cookie this is.
pub fn shopper(ctx: &Ctx) -> Option<Shopper> {
    match &ctx.session {
        Some(s) => Some(Shopper::Buyer(s.user.id)),
        None => ctx.cart_key.clone().map(Shopper::Guest),
    }
}

/// The shopper, making a guest cart key (and its cookie) when there is
/// none yet.
pub fn shopper_or_new_guest(ctx: &Ctx, jar: CookieJar) -> (Shopper, CookieJar) {
    if let Some(s) = shopper(ctx) {
        return (s, jar);
    }
    let key = etalase_services::checkout::cart::new_guest_key();
    let cookie = Cookie::build((CART_COOKIE, key.clone()))
        .path("/")
        .http_only(true)
        .secure(ctx.state.config.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(30))
        .build();
    (Shopper::Guest(key), jar.add(cookie))
}

/// After signing in: the guest's cart joins the buyer's, and its cookie
/// goes.
pub async fn adopt_guest_cart(
    ctx: &Ctx,
    jar: CookieJar,
    buyer: etalase_domain::id::UserId,
) -> CookieJar {
    let Some(key) = &ctx.cart_key else {
        return jar;
    };
    if let Err(e) =
        etalase_services::checkout::cart::merge_guest(&ctx.state.services, key, buyer).await
    {
        // The buyer still signs in; the guest's lines stay behind the cookie.
        tracing::warn!(error = %e, "merging a guest cart failed");
        return jar;
    }
    let mut gone = Cookie::build((CART_COOKIE, "")).path("/").build();
    gone.make_removal();
    jar.add(gone)
}
