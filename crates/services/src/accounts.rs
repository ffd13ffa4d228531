//! Sign-up, sign-in with throttling, server-side sessions, passwords, language.

use etalase_domain::account::{Email, NewPassword, PersonName};
use etalase_domain::audit::Actor;
use etalase_domain::id::{MemberId, SellerId, UserId};
use etalase_domain::policy::Role;
use etalase_domain::seller::{SellerStatus, ShopName, ShopSlug};
use etalase_domain::verification::VerificationState;
use etalase_domain::{ErrorCode, Lang, Timestamp};
use etalase_store::accounts::{self as store, NewUser, SessionRecord, ThrottleRow, User};
use etalase_store::sellers::{self, Member};
use etalase_store::{Tx, audit, outbox};

use crate::error::Validation;
use crate::tokens::{hash_token, random_token};
use crate::{ServiceError, ServiceResult, Services, ThrottlePolicy, passwords};

/// Where a request came from, for throttling and the session list.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

/// A new session: `token` goes into the cookie and is never stored.
pub struct SignedIn {
    pub token: String,
    pub user: User,
}

/// The signed-in user of a request, with their shop membership if any.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub token_hash: String,
    pub user: User,
    pub membership: Option<Member>,
}

pub struct SignUp<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password: &'a str,
    pub password_confirmation: &'a str,
    pub lang: Lang,
}

pub struct ShopDetails<'a> {
    pub shop_name: &'a str,
    pub shop_slug: &'a str,
}

struct ValidSignUp {
    email: Email,
    name: PersonName,
    password: NewPassword,
}

fn validate_sign_up(form: &SignUp<'_>, validation: &mut Validation) -> Option<ValidSignUp> {
    let email = validation.check("email", Email::parse(form.email));
    let name = validation.check("name", PersonName::parse(form.name));
    let password = validation.check("password", NewPassword::parse(form.password));
    if password.is_some() && form.password != form.password_confirmation {
        validation.add("password_confirmation", ErrorCode::PasswordMismatch);
    }
    Some(ValidSignUp {
        email: email?,
        name: name?,
        password: password?,
    })
}

fn validate_shop(
    shop: &ShopDetails<'_>,
    validation: &mut Validation,
) -> Option<(ShopName, ShopSlug)> {
    let name = validation.check("shop_name", ShopName::parse(shop.shop_name));
    let slug = validation.check("shop_slug", ShopSlug::parse(shop.shop_slug));
    if slug.as_ref().is_some_and(ShopSlug::is_reserved) {
        validation.add("shop_slug", ErrorCode::ShopSlugTaken);
    }
    name.zip(slug)
}

/// A buyer account (every account can buy).
pub async fn sign_up(
    svc: &Services,
    form: SignUp<'_>,
    client: &ClientInfo,
) -> ServiceResult<SignedIn> {
    let mut validation = Validation::default();
    let valid = validate_sign_up(&form, &mut validation);
    validation.finish()?;
    let valid = valid.ok_or(ErrorCode::ValidationFailed)?;
    let hash = passwords::hash(&valid.password).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let user = insert_user(&mut tx, &valid, &hash, form.lang, false, now).await?;
    let signed_in = open_session(&mut tx, user, client, now).await?;
    tx.commit().await?;
    Ok(signed_in)
}

/// A seller: the account, its shop (pending verification) and the owner
/// membership, all or nothing.
pub async fn sign_up_seller(
    svc: &Services,
    form: SignUp<'_>,
    shop: ShopDetails<'_>,
    client: &ClientInfo,
) -> ServiceResult<SignedIn> {
    let mut validation = Validation::default();
    let valid = validate_sign_up(&form, &mut validation);
    let shop = validate_shop(&shop, &mut validation);
    validation.finish()?;
    let (valid, (shop_name, slug)) = valid.zip(shop).ok_or(ErrorCode::ValidationFailed)?;
    let hash = passwords::hash(&valid.password).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let user = insert_user(&mut tx, &valid, &hash, form.lang, false, now).await?;
    create_shop(
        &mut tx,
        user.id,
        &shop_name,
        &slug,
        SellerStatus::Pending,
        now,
    )
    .await?;
    let signed_in = open_session(&mut tx, user, client, now).await?;
    tx.commit().await?;
    Ok(signed_in)
}

/// A signed-in user without a shop opens one and becomes its owner.
pub async fn open_shop(
    svc: &Services,
    user: &User,
    shop: ShopDetails<'_>,
) -> ServiceResult<SellerId> {
    let mut validation = Validation::default();
    let shop = validate_shop(&shop, &mut validation);
    validation.finish()?;
    let (shop_name, slug) = shop.ok_or(ErrorCode::ValidationFailed)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let seller = create_shop(
        &mut tx,
        user.id,
        &shop_name,
        &slug,
        SellerStatus::Pending,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(seller)
}

/// Creates a seller with `owner` as its first member.
pub(crate) async fn create_shop(
    tx: &mut Tx,
    owner: UserId,
    name: &ShopName,
    slug: &ShopSlug,
    status: SellerStatus,
    now: Timestamp,
) -> ServiceResult<SellerId> {
    let seller = SellerId::generate();
    sellers::insert_seller(tx, seller, slug, name, status, now)
        .await
        .map_err(|e| {
            if e.is_conflict_on("sellers_slug_key") {
                ServiceError::field("shop_slug", ErrorCode::ShopSlugTaken)
            } else {
                e.into()
            }
        })?;
    // Every shop starts its verification wizard (the demo shop starts approved).
    let verification = match status {
        SellerStatus::Approved => VerificationState::Approved,
        _ => VerificationState::Draft,
    };
    etalase_store::kyc::insert_verification(tx, seller, verification, now).await?;
    let member = MemberId::generate();
    sellers::insert_member(tx, member, seller, owner, Role::Owner, now)
        .await
        .map_err(|e| {
            if e.is_conflict_on("seller_members_user_id_key") {
                ServiceError::new(ErrorCode::AlreadyMember)
            } else {
                e.into()
            }
        })?;
    audit::record(
        tx,
        audit::AuditEntry {
            actor: Actor::User(owner),
            seller_id: Some(seller),
            action: "seller.created",
            subject_type: "seller",
            subject_id: &seller.to_string(),
            before: None,
            after: Some(format!(
                "slug={} name={} status={}",
                slug.as_str(),
                name.as_str(),
                status.as_str()
            )),
        },
        now,
    )
    .await?;
    outbox::append(
        tx,
        outbox::NewEvent {
            topic: "seller.created",
            aggregate_type: "seller",
            aggregate_id: &seller.to_string(),
            seller_id: Some(seller),
            payload: &serde_json::json!({
                "seller_id": seller, "slug": slug.as_str(), "name": name.as_str(), "status": status.as_str(),
            }),
        },
        now,
    )
    .await?;
    Ok(seller)
}

async fn insert_user(
    tx: &mut Tx,
    valid: &ValidSignUp,
    password_hash: &str,
    lang: Lang,
    is_admin: bool,
    now: Timestamp,
) -> ServiceResult<User> {
    let id = UserId::generate();
    store::insert_user(
        tx,
        NewUser {
            id,
            email: &valid.email,
            name: valid.name.as_str(),
            password_hash,
            is_admin,
            lang: Some(lang),
        },
        now,
    )
    .await
    .map_err(|e| {
        if e.is_conflict_on("users_email_key") {
            ServiceError::field("email", ErrorCode::EmailTaken)
        } else {
            e.into()
        }
    })?;
    audit::record(
        tx,
        audit::AuditEntry {
            actor: Actor::User(id),
            seller_id: None,
            action: "account.created",
            subject_type: "user",
            subject_id: &id.to_string(),
            before: None,
            after: Some(format!("email={} admin={is_admin}", valid.email)),
        },
        now,
    )
    .await?;
    Ok(store::get_user_tx(tx, id).await?)
}

async fn open_session(
    tx: &mut Tx,
    user: User,
    client: &ClientInfo,
    now: Timestamp,
) -> ServiceResult<SignedIn> {
    let token = random_token();
    let user_agent: String = client.user_agent.chars().take(300).collect();
    store::insert_session(
        tx,
        &hash_token(&token),
        user.id,
        &user_agent,
        &client.ip,
        now,
    )
    .await?;
    Ok(SignedIn { token, user })
}

/// Signs in with e-mail and password. The previous session of this browser
/// (if any) is ended, so the session id always changes at sign-in.
pub async fn sign_in(
    svc: &Services,
    email: &str,
    password: &str,
    client: &ClientInfo,
    previous_token: Option<&str>,
) -> ServiceResult<SignedIn> {
    let policy = svc.config.throttle;
    let email = Email::parse(email).ok();
    let account_key = email.as_ref().map(|e| format!("account:{e}"));
    let ip_key = format!("ip:{}", client.ip);
    let now = svc.now();
    {
        let mut tx = svc.store.write().await?;
        for key in account_key.iter().chain([&ip_key]) {
            if let Some(row) = store::get_throttle(&mut tx, key).await?
                && row
                    .locked_until
                    .is_some_and(|until| until > now.unix_millis())
            {
                return Err(ErrorCode::TooManyAttempts.into());
            }
        }
    }
    let user = match &email {
        Some(email) => store::find_user_by_email(&svc.store, email).await?,
        None => None,
    };
    let valid = passwords::verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    match user {
        Some(user) if valid => {
            if let Some(key) = &account_key {
                store::clear_throttle(&mut tx, key).await?;
            }
            let previous = previous_token.map(hash_token);
            if let Some(previous) = &previous {
                store::delete_session(&mut tx, previous).await?;
            }
            let signed_in = open_session(&mut tx, user, client, now).await?;
            tx.commit().await?;
            if let Some(previous) = &previous {
                svc.kept_sessions.forget(previous);
            }
            Ok(signed_in)
        }
        _ => {
            if let Some(key) = &account_key {
                record_failure(&mut tx, key, policy.max_failures_per_account, &policy, now).await?;
            }
            record_failure(&mut tx, &ip_key, policy.max_failures_per_ip, &policy, now).await?;
            tx.commit().await?;
            Err(ErrorCode::WrongCredentials.into())
        }
    }
}

async fn record_failure(
    tx: &mut Tx,
    key: &str,
    max_failures: i32,
    policy: &ThrottlePolicy,
    now: Timestamp,
) -> ServiceResult<()> {
    let previous = store::get_throttle(tx, key).await?;
    let next = next_throttle_state(previous, max_failures, policy, now);
    store::put_throttle(tx, key, next).await?;
    Ok(())
}

/// One more failure: counted in the current window (or a new one), and a
/// lockout once the count reaches the limit.
fn next_throttle_state(
    previous: Option<ThrottleRow>,
    max_failures: i32,
    policy: &ThrottlePolicy,
    now: Timestamp,
) -> ThrottleRow {
    let now_ms = now.unix_millis();
    let window_open =
        previous.is_some_and(|row| now_ms - row.window_started_at < policy.window_secs * 1000);
    let (failures, window_started_at) = match previous {
        Some(row) if window_open => (row.failures + 1, row.window_started_at),
        _ => (1, now_ms),
    };
    let locked_until =
        (failures >= max_failures).then(|| now.plus_seconds(policy.lockout_secs).unix_millis());
    ThrottleRow {
        failures,
        window_started_at,
        locked_until,
    }
}

pub async fn sign_out(svc: &Services, token: &str) -> ServiceResult<()> {
    let token_hash = hash_token(token);
    let mut tx = svc.store.write().await?;
    store::delete_session(&mut tx, &token_hash).await?;
    tx.commit().await?;
    svc.kept_sessions.forget(&token_hash);
    Ok(())
}

/// The session behind a cookie token, with the user's seller membership.
/// An idle or too old session is ended and reported as
/// [`ErrorCode::SessionExpired`]; an unknown token is `None`.
pub async fn current_session(svc: &Services, token: &str) -> ServiceResult<Option<CurrentSession>> {
    let Some((token_hash, user)) = session_user(svc, token).await? else {
        return Ok(None);
    };
    let membership = sellers::find_membership(&svc.store, user.id).await?;
    Ok(Some(CurrentSession {
        token_hash,
        user,
        membership,
    }))
}

/// The user behind a session token (its hash and the user), under the same
/// rules as [`current_session`] but without the seller membership: what a
/// buyer's request needs, one read fewer.
pub async fn session_user(svc: &Services, token: &str) -> ServiceResult<Option<(String, User)>> {
    let token_hash = hash_token(token);
    let Some(record) = read_session(svc, &token_hash).await? else {
        return Ok(None);
    };
    let now = svc.now();
    let policy = svc.config.sessions;
    let last_seen = svc
        .session_touches
        .seen(&token_hash)
        .map_or(record.last_seen_at, |noted| noted.max(record.last_seen_at));
    let idle = now.seconds_since(last_seen) > policy.idle_timeout_secs;
    let too_old = now.seconds_since(record.created_at) > policy.absolute_timeout_secs;
    if idle || too_old {
        let mut tx = svc.store.write().await?;
        store::delete_session(&mut tx, &token_hash).await?;
        tx.commit().await?;
        svc.kept_sessions.forget(&token_hash);
        return Err(ErrorCode::SessionExpired.into());
    }
    // Refresh the idle clock at most once a minute, through the writer of
    // refreshes when one runs: reads stay reads.
    if now.seconds_since(last_seen) >= 60 && !svc.session_touches.note(&token_hash, now) {
        let mut tx = svc.store.write().await?;
        store::touch_session(&mut tx, &token_hash, now).await?;
        tx.commit().await?;
    }
    Ok(Some((token_hash, record.user)))
}

/// The session behind a token's hash: kept from a moment ago on this node
/// ([`crate::kept_sessions`]), else read (and kept).
async fn read_session(svc: &Services, token_hash: &str) -> ServiceResult<Option<SessionRecord>> {
    let now = svc.now();
    if let Some(kept) = svc.kept_sessions.get(token_hash, now) {
        return Ok(Some(kept));
    }
    let ticket = svc.kept_sessions.ticket();
    let found = store::find_session(&svc.store, token_hash).await?;
    if let Some(record) = &found {
        svc.kept_sessions.keep(ticket, record, now);
    }
    Ok(found)
}

/// Changes the password after checking the current one; every other session
/// of the user is ended.
pub async fn change_password(
    svc: &Services,
    session: &CurrentSession,
    current: &str,
    new: &str,
    confirmation: &str,
) -> ServiceResult<()> {
    let mut validation = Validation::default();
    let new_password = validation.check("new_password", NewPassword::parse(new));
    if new_password.is_some() && new != confirmation {
        validation.add("new_password_confirmation", ErrorCode::PasswordMismatch);
    }
    let current_ok = passwords::verify(current, Some(session.user.password_hash.clone())).await?;
    if !current_ok {
        validation.add("current_password", ErrorCode::WrongCredentials);
    }
    validation.finish()?;
    let new_password = new_password.ok_or(ErrorCode::ValidationFailed)?;
    let hash = passwords::hash(&new_password).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    store::set_password_hash(&mut tx, session.user.id, &hash, now).await?;
    store::delete_other_sessions(&mut tx, session.user.id, &session.token_hash).await?;
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor: Actor::User(session.user.id),
            seller_id: None,
            action: "account.password_changed",
            subject_type: "user",
            subject_id: &session.user.id.to_string(),
            before: None,
            after: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    // The password hash is in every kept session of the user, and their
    // other sessions just ended.
    svc.kept_sessions.forget_all();
    Ok(())
}

pub async fn set_language(svc: &Services, user: UserId, lang: Lang) -> ServiceResult<()> {
    let mut tx = svc.store.write().await?;
    store::set_lang(&mut tx, user, lang, svc.now()).await?;
    tx.commit().await?;
    // The language is in the user's kept sessions: the next page shows it.
    svc.kept_sessions.forget_all();
    Ok(())
}

/// `etalase user create`: an account made by an operator, optionally a
/// platform admin. An e-mail that already has an account is refused.
pub async fn create_user(
    svc: &Services,
    email: &str,
    name: &str,
    password: &str,
    is_admin: bool,
) -> ServiceResult<User> {
    let mut validation = Validation::default();
    let form = SignUp {
        email,
        name,
        password,
        password_confirmation: password,
        lang: Lang::Id,
    };
    let valid = validate_sign_up(&form, &mut validation);
    validation.finish()?;
    let valid = valid.ok_or(ErrorCode::ValidationFailed)?;
    let hash = passwords::hash(&valid.password).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let user = insert_user(&mut tx, &valid, &hash, Lang::Id, is_admin, now).await?;
    tx.commit().await?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: ThrottlePolicy = ThrottlePolicy {
        window_secs: 900,
        max_failures_per_account: 5,
        max_failures_per_ip: 30,
        lockout_secs: 900,
    };

    #[test]
    fn locks_after_the_limit_within_one_window() {
        let start = Timestamp::from_unix_millis(1_000_000);
        let mut state = None;
        for n in 1..=5 {
            let next = next_throttle_state(state, 5, &POLICY, start.plus_seconds(n));
            assert_eq!(next.failures as i64, n);
            assert_eq!(next.locked_until.is_some(), n == 5);
            state = Some(next);
        }
    }

    #[test]
    fn a_new_window_starts_counting_again() {
        let start = Timestamp::from_unix_millis(1_000_000);
        let first = next_throttle_state(None, 5, &POLICY, start);
        let later = next_throttle_state(Some(first), 5, &POLICY, start.plus_seconds(901));
        assert_eq!(later.failures, 1);
        assert_eq!(later.locked_until, None);
    }
}
