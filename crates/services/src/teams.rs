//! Seller teams: who acts for a shop, the one authorization check, the
//! owner's team management, and the shop's own settings.

use etalase_domain::ErrorCode;
use etalase_domain::account::Email;
use etalase_domain::audit::Actor;
use etalase_domain::id::{ApiKeyId, InvitationId, MemberId, SellerId, UserId};
use etalase_domain::policy::{ApiScope, Area, Role, SellerAction, role_allows, scopes_allow};
use etalase_domain::seller::ShopName;
use etalase_store::accounts::User;
use etalase_store::sellers::{self, Invitation, Member, Seller};
use etalase_store::{Tx, audit, outbox};

use crate::accounts::CurrentSession;
use crate::tokens::{hash_token, random_token};
use crate::{OutgoingMail, ServiceError, ServiceResult, Services};

/// Who is acting for a shop.
#[derive(Debug, Clone)]
pub enum SellerPrincipal {
    Member {
        user: UserId,
        member: MemberId,
        role: Role,
    },
    ApiKey {
        key: ApiKeyId,
        scopes: Vec<ApiScope>,
    },
}

/// The seller a request acts for, taken from the session or the API key —
/// never from the request — and who acts. Every service function on seller
/// data takes one and filters by its `seller_id`.
#[derive(Debug, Clone)]
pub struct SellerScope {
    pub seller_id: SellerId,
    pub principal: SellerPrincipal,
}

impl SellerScope {
    pub fn for_member(member: &Member) -> Self {
        Self {
            seller_id: member.seller_id,
            principal: SellerPrincipal::Member {
                user: member.user_id,
                member: member.id,
                role: member.role,
            },
        }
    }

    /// The scope of a signed-in user, if they belong to a shop.
    pub fn for_session(session: &CurrentSession) -> ServiceResult<Self> {
        session
            .membership
            .as_ref()
            .map(Self::for_member)
            .ok_or_else(|| ErrorCode::NotASeller.into())
    }

    pub fn may(&self, action: SellerAction) -> bool {
        match &self.principal {
            SellerPrincipal::Member { role, .. } => role_allows(*role, action),
            SellerPrincipal::ApiKey { scopes, .. } => scopes_allow(scopes, action),
        }
    }

    /// THE authorization check of seller actions.
    pub fn authorize(&self, action: SellerAction) -> ServiceResult<()> {
        if self.may(action) {
            return Ok(());
        }
        Err(match self.principal {
            SellerPrincipal::Member { .. } => ErrorCode::Forbidden,
            SellerPrincipal::ApiKey { .. } => ErrorCode::ApiScopeMissing,
        }
        .into())
    }

    pub fn actor(&self) -> Actor {
        match &self.principal {
            SellerPrincipal::Member { user, .. } => Actor::User(*user),
            SellerPrincipal::ApiKey { key, .. } => Actor::ApiKey(*key),
        }
    }

    /// An audit line for something this principal did in its shop.
    pub fn audit<'a>(
        &self,
        action: &'a str,
        subject_type: &'a str,
        subject_id: &'a str,
    ) -> audit::AuditEntry<'a> {
        audit::AuditEntry {
            actor: self.actor(),
            seller_id: Some(self.seller_id),
            action,
            subject_type,
            subject_id,
            before: None,
            after: None,
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self.principal {
            SellerPrincipal::Member { role, .. } => Some(role),
            SellerPrincipal::ApiKey { .. } => None,
        }
    }
}

pub async fn shop(svc: &Services, scope: &SellerScope) -> ServiceResult<Seller> {
    scope.authorize(SellerAction::read(Area::Shop))?;
    Ok(sellers::get_seller(&svc.store, scope.seller_id).await?)
}

pub async fn rename_shop(svc: &Services, scope: &SellerScope, name: &str) -> ServiceResult<Seller> {
    scope.authorize(SellerAction::write(Area::Shop))?;
    let name = ShopName::parse(name).map_err(|code| ServiceError::field("name", code))?;
    let before = sellers::get_seller(&svc.store, scope.seller_id).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    sellers::update_seller_name(&mut tx, scope.seller_id, &name, now).await?;
    let subject = scope.seller_id.to_string();
    audit::record(
        &mut tx,
        audit::AuditEntry {
            before: Some(before.name),
            after: Some(name.as_str().into()),
            ..scope.audit("seller.renamed", "seller", &subject)
        },
        svc.now(),
    )
    .await?;
    outbox::append(
        &mut tx,
        outbox::NewEvent {
            topic: "seller.updated",
            aggregate_type: "seller",
            aggregate_id: &subject,
            seller_id: Some(scope.seller_id),
            payload: &serde_json::json!({ "seller_id": scope.seller_id, "name": name.as_str() }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(sellers::get_seller(&svc.store, scope.seller_id).await?)
}

pub async fn members(svc: &Services, scope: &SellerScope) -> ServiceResult<Vec<Member>> {
    scope.authorize(SellerAction::read(Area::Team))?;
    Ok(sellers::list_members(&svc.store, scope.seller_id).await?)
}

pub async fn member(svc: &Services, scope: &SellerScope, id: MemberId) -> ServiceResult<Member> {
    scope.authorize(SellerAction::read(Area::Team))?;
    Ok(sellers::get_member(&svc.store, scope.seller_id, id).await?)
}

pub async fn open_invitations(
    svc: &Services,
    scope: &SellerScope,
) -> ServiceResult<Vec<Invitation>> {
    scope.authorize(SellerAction::read(Area::Team))?;
    Ok(sellers::list_open_invitations(&svc.store, scope.seller_id).await?)
}

/// A sent invitation: the link is also e-mailed, and shown once to the owner
/// so it can be passed on by chat.
pub struct SentInvitation {
    pub invitation_id: InvitationId,
    pub link: String,
}

pub async fn invite(
    svc: &Services,
    scope: &SellerScope,
    email: &str,
    role: &str,
) -> ServiceResult<SentInvitation> {
    scope.authorize(SellerAction::write(Area::Team))?;
    let inviter = match &scope.principal {
        SellerPrincipal::Member { user, .. } => *user,
        SellerPrincipal::ApiKey { .. } => return Err(ErrorCode::ApiScopeMissing.into()),
    };
    let mut validation = crate::error::Validation::default();
    let email = validation.check("email", Email::parse(email));
    let role = validation.check(
        "role",
        role.parse::<Role>().map_err(|_| ErrorCode::InvalidRole),
    );
    validation.finish()?;
    let (email, role) = email.zip(role).ok_or(ErrorCode::ValidationFailed)?;
    if sellers::list_members(&svc.store, scope.seller_id)
        .await?
        .iter()
        .any(|m| m.email == email.as_str())
    {
        return Err(ServiceError::field("email", ErrorCode::AlreadyMember));
    }
    let shop = sellers::get_seller(&svc.store, scope.seller_id).await?;
    let token = random_token();
    let id = InvitationId::generate();
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    sellers::insert_invitation(
        &mut tx,
        sellers::NewInvitation {
            id,
            seller: scope.seller_id,
            email: &email,
            role,
            token_hash: &hash_token(&token),
            invited_by: inviter,
            expires_at: now.plus_seconds(svc.config.invitation_ttl_secs),
        },
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        audit::AuditEntry {
            after: Some(format!("email={email} role={role}")),
            ..scope.audit("team.member_invited", "invitation", &id.to_string())
        },
        svc.now(),
    )
    .await?;
    let link = format!(
        "{}/seller/invitations/{token}",
        svc.config.public_url.trim_end_matches('/')
    );
    let mail = OutgoingMail {
        to: email.to_string(),
        subject: format!("Undangan bergabung dengan tim {} di etalase", shop.name),
        body: format!(
            "Anda diundang bergabung dengan tim toko {} sebagai {role}.\n\
             Buka tautan ini untuk menerima undangan (berlaku 7 hari):\n{link}\n\n\
             You are invited to join the team of {} as {role}. Open the link above to accept.",
            shop.name, shop.name
        ),
    };
    crate::mail::queue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    crate::mail::dispatch(svc).await;
    Ok(SentInvitation {
        invitation_id: id,
        link,
    })
}

/// An invitation as its link shows it; expired, used and revoked ones say so.
pub async fn invitation_by_token(svc: &Services, token: &str) -> ServiceResult<Invitation> {
    let invitation = sellers::find_invitation_by_token(&svc.store, &hash_token(token))
        .await?
        .ok_or(ErrorCode::NotFound)?;
    check_invitation_open(&invitation, svc)?;
    Ok(invitation)
}

fn check_invitation_open(invitation: &Invitation, svc: &Services) -> ServiceResult<()> {
    if invitation.accepted_at.is_some() || invitation.revoked_at.is_some() {
        return Err(ErrorCode::InvitationUsed.into());
    }
    if invitation.expires_at <= svc.now() {
        return Err(ErrorCode::InvitationExpired.into());
    }
    Ok(())
}

/// The signed-in user joins the team; the invitation must be for their e-mail.
pub async fn accept_invitation(svc: &Services, user: &User, token: &str) -> ServiceResult<Member> {
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let invitation = sellers::find_invitation_by_token_tx(&mut tx, &hash_token(token))
        .await?
        .ok_or(ErrorCode::NotFound)?;
    check_invitation_open(&invitation, svc)?;
    if invitation.email != user.email.as_str() {
        return Err(ErrorCode::InvitationEmailMismatch.into());
    }
    let member = MemberId::generate();
    sellers::insert_member(
        &mut tx,
        member,
        invitation.seller_id,
        user.id,
        invitation.role,
        now,
    )
    .await
    .map_err(|e| {
        if e.is_conflict_on("seller_members_user_id_key") {
            ServiceError::new(ErrorCode::AlreadyMember)
        } else {
            e.into()
        }
    })?;
    sellers::mark_invitation_accepted(&mut tx, invitation.id, user.id, now).await?;
    let scope = SellerScope {
        seller_id: invitation.seller_id,
        principal: SellerPrincipal::Member {
            user: user.id,
            member,
            role: invitation.role,
        },
    };
    audit::record(
        &mut tx,
        audit::AuditEntry {
            after: Some(format!("user={} role={}", user.id, invitation.role)),
            ..scope.audit("team.member_joined", "member", &member.to_string())
        },
        svc.now(),
    )
    .await?;
    member_event(
        &mut tx,
        &scope,
        "team.member_joined",
        member,
        Some(invitation.role),
        svc,
    )
    .await?;
    let joined = sellers::get_member_tx(&mut tx, invitation.seller_id, member).await?;
    tx.commit().await?;
    Ok(joined)
}

pub async fn revoke_invitation(
    svc: &Services,
    scope: &SellerScope,
    id: InvitationId,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Team))?;
    let mut tx = svc.store.write().await?;
    sellers::revoke_invitation(&mut tx, scope.seller_id, id, svc.now()).await?;
    audit::record(
        &mut tx,
        scope.audit("team.invitation_revoked", "invitation", &id.to_string()),
        svc.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn change_role(
    svc: &Services,
    scope: &SellerScope,
    id: MemberId,
    role: &str,
) -> ServiceResult<Member> {
    scope.authorize(SellerAction::write(Area::Team))?;
    let role: Role = role
        .parse()
        .map_err(|_| ServiceError::field("role", ErrorCode::InvalidRole))?;
    let mut tx = svc.store.write().await?;
    let before = sellers::get_member_tx(&mut tx, scope.seller_id, id).await?;
    if before.role == Role::Owner && role != Role::Owner {
        refuse_removing_last_owner(&mut tx, scope.seller_id).await?;
    }
    sellers::set_member_role(&mut tx, scope.seller_id, id, role, svc.now()).await?;
    audit::record(
        &mut tx,
        audit::AuditEntry {
            before: Some(before.role.to_string()),
            after: Some(role.to_string()),
            ..scope.audit("team.role_changed", "member", &id.to_string())
        },
        svc.now(),
    )
    .await?;
    member_event(&mut tx, scope, "team.role_changed", id, Some(role), svc).await?;
    let after = sellers::get_member_tx(&mut tx, scope.seller_id, id).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn remove_member(svc: &Services, scope: &SellerScope, id: MemberId) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Team))?;
    let mut tx = svc.store.write().await?;
    let before = sellers::get_member_tx(&mut tx, scope.seller_id, id).await?;
    if before.role == Role::Owner {
        refuse_removing_last_owner(&mut tx, scope.seller_id).await?;
    }
    sellers::delete_member(&mut tx, scope.seller_id, id).await?;
    audit::record(
        &mut tx,
        audit::AuditEntry {
            before: Some(format!("user={} role={}", before.user_id, before.role)),
            ..scope.audit("team.member_removed", "member", &id.to_string())
        },
        svc.now(),
    )
    .await?;
    member_event(&mut tx, scope, "team.member_removed", id, None, svc).await?;
    tx.commit().await?;
    Ok(())
}

/// A shop always keeps an owner: nobody else can manage its team.
async fn refuse_removing_last_owner(tx: &mut Tx, seller: SellerId) -> ServiceResult<()> {
    if sellers::count_owners_tx(tx, seller).await? <= 1 {
        return Err(ErrorCode::LastOwner.into());
    }
    Ok(())
}

async fn member_event(
    tx: &mut Tx,
    scope: &SellerScope,
    topic: &str,
    member: MemberId,
    role: Option<Role>,
    svc: &Services,
) -> ServiceResult<()> {
    outbox::append(
        tx,
        outbox::NewEvent {
            topic,
            aggregate_type: "member",
            aggregate_id: &member.to_string(),
            seller_id: Some(scope.seller_id),
            payload: &serde_json::json!({ "seller_id": scope.seller_id, "member_id": member, "role": role }),
        },
        svc.now(),
    )
    .await?;
    Ok(())
}
