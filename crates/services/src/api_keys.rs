//! API keys for integrators: made by the owner, shown once, stored hashed,
//! scoped, revocable, with their last use recorded.

use etalase_domain::ErrorCode;
use etalase_domain::id::ApiKeyId;
use etalase_domain::policy::{ApiScope, Area, SellerAction};
use etalase_store::api_keys::{self, ApiKey, NewApiKey};
use etalase_store::audit;

use crate::teams::{SellerPrincipal, SellerScope};
use crate::tokens::{hash_token, random_token};
use crate::{ServiceError, ServiceResult, Services};

const TOKEN_PREFIX: &str = "etk_";

/// A freshly made key: `secret` is shown to the owner once and never again.
pub struct CreatedApiKey {
    pub key: ApiKey,
    pub secret: String,
}

pub async fn create(
    svc: &Services,
    scope: &SellerScope,
    name: &str,
    scopes: &[String],
) -> ServiceResult<CreatedApiKey> {
    scope.authorize(SellerAction::write(Area::Integrations))?;
    let SellerPrincipal::Member { user, .. } = scope.principal else {
        return Err(ErrorCode::ApiScopeMissing.into());
    };
    let mut validation = crate::error::Validation::default();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        validation.add("name", ErrorCode::InvalidName);
    }
    let mut parsed: Vec<ApiScope> = Vec::new();
    for text in scopes {
        match ApiScope::parse(text) {
            Some(scope) if scope.grantable() => parsed.push(scope),
            _ => validation.add("scopes", ErrorCode::InvalidScope),
        }
    }
    if parsed.is_empty() {
        validation.add("scopes", ErrorCode::InvalidScope);
    }
    validation.finish()?;
    parsed.sort();
    parsed.dedup();
    let secret = format!("{TOKEN_PREFIX}{}", random_token());
    let id = ApiKeyId::generate();
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    api_keys::insert_api_key(
        &mut tx,
        NewApiKey {
            id,
            seller: scope.seller_id,
            name,
            token_prefix: &secret[..TOKEN_PREFIX.len() + 6],
            token_hash: &hash_token(&secret),
            scopes: &parsed,
            created_by: user,
        },
        now,
    )
    .await?;
    let listed: Vec<String> = parsed.iter().map(ToString::to_string).collect();
    audit::record(
        &mut tx,
        audit::AuditEntry {
            after: Some(format!("name={name} scopes={}", listed.join(" "))),
            ..scope.audit("api_key.created", "api_key", &id.to_string())
        },
        svc.now(),
    )
    .await?;
    tx.commit().await?;
    let key = api_keys::list_api_keys(&svc.store, scope.seller_id)
        .await?
        .into_iter()
        .find(|k| k.id == id)
        .ok_or(ErrorCode::Internal)?;
    Ok(CreatedApiKey { key, secret })
}

pub async fn list(svc: &Services, scope: &SellerScope) -> ServiceResult<Vec<ApiKey>> {
    scope.authorize(SellerAction::read(Area::Integrations))?;
    Ok(api_keys::list_api_keys(&svc.store, scope.seller_id).await?)
}

pub async fn revoke(svc: &Services, scope: &SellerScope, id: ApiKeyId) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Integrations))?;
    let mut tx = svc.store.write().await?;
    api_keys::revoke_api_key(&mut tx, scope.seller_id, id, svc.now()).await?;
    audit::record(
        &mut tx,
        scope.audit("api_key.revoked", "api_key", &id.to_string()),
        svc.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The shop and permissions behind an `Authorization: Bearer` secret.
pub async fn authenticate(svc: &Services, secret: &str) -> ServiceResult<SellerScope> {
    let invalid = || ServiceError::new(ErrorCode::ApiKeyInvalid);
    if !secret.starts_with(TOKEN_PREFIX) {
        return Err(invalid());
    }
    let key = api_keys::find_by_token_hash(&svc.store, &hash_token(secret))
        .await?
        .ok_or_else(invalid)?;
    if key.revoked_at.is_some() {
        return Err(invalid());
    }
    let now = svc.now();
    if key
        .last_used_at
        .is_none_or(|at| now.seconds_since(at) >= 60)
    {
        let mut tx = svc.store.write().await?;
        api_keys::touch_api_key(&mut tx, key.id, now).await?;
        tx.commit().await?;
    }
    Ok(SellerScope {
        seller_id: key.seller_id,
        principal: SellerPrincipal::ApiKey {
            key: key.id,
            scopes: key.scopes,
        },
    })
}
