//! Sellers, their team members and invitations. Every read of a seller's
//! data takes the seller's id and filters by it: the caller gets that id from
//! the session or the API key, never from the request.

use etalase_domain::Timestamp;
use etalase_domain::account::Email;
use etalase_domain::id::{InvitationId, MemberId, SellerId, UserId};
use etalase_domain::policy::Role;
use etalase_domain::seller::{SellerStatus, ShopName, ShopSlug};

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreError, StoreResult, Tx};

#[derive(Debug, Clone)]
pub struct Seller {
    pub id: SellerId,
    pub slug: String,
    pub name: String,
    pub status: SellerStatus,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct SellerRow {
    id: String,
    slug: String,
    name: String,
    status: String,
    created_at: i64,
}

impl TryFrom<SellerRow> for Seller {
    type Error = StoreError;
    fn try_from(row: SellerRow) -> StoreResult<Seller> {
        Ok(Seller {
            id: SellerId::parse(&row.id).map_err(corrupt)?,
            status: SellerStatus::parse(&row.status).ok_or_else(|| corrupt(&row.status))?,
            slug: row.slug,
            name: row.name,
            created_at: Timestamp::from_unix_millis(row.created_at),
        })
    }
}

pub async fn insert_seller(
    tx: &mut Tx,
    id: SellerId,
    slug: &ShopSlug,
    name: &ShopName,
    status: SellerStatus,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO sellers (id, slug, name, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
        .bind(id.to_string()).bind(slug.as_str()).bind(name.as_str()).bind(status.as_str())
        .bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn get_seller(store: &Store, id: SellerId) -> StoreResult<Seller> {
    let row: SellerRow = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, slug, name, status, created_at FROM sellers WHERE id = $1")
        .bind(id.to_string()).fetch_one(pool).await)?;
    row.try_into()
}

pub async fn get_seller_tx(tx: &mut Tx, id: SellerId) -> StoreResult<Seller> {
    let row: SellerRow = on_tx!(tx, conn => sqlx::query_as(
        "SELECT id, slug, name, status, created_at FROM sellers WHERE id = $1")
        .bind(id.to_string()).fetch_one(conn).await)?;
    row.try_into()
}

pub async fn find_seller_by_slug(store: &Store, slug: &str) -> StoreResult<Option<Seller>> {
    let row: Option<SellerRow> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, slug, name, status, created_at FROM sellers WHERE slug = $1")
        .bind(slug).fetch_optional(pool).await)?;
    row.map(Seller::try_from).transpose()
}

pub async fn list_sellers_with_status(
    store: &Store,
    status: SellerStatus,
    limit: i64,
) -> StoreResult<Vec<Seller>> {
    let rows: Vec<SellerRow> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, slug, name, status, created_at FROM sellers WHERE status = $1 ORDER BY id DESC LIMIT $2")
        .bind(status.as_str()).bind(limit).fetch_all(pool).await)?;
    rows.into_iter().map(Seller::try_from).collect()
}

pub async fn count_sellers(store: &Store) -> StoreResult<i64> {
    let (count,): (i64,) = on_pool!(store, pool =>
        sqlx::query_as("SELECT COUNT(*) FROM sellers").fetch_one(pool).await)?;
    Ok(count)
}

pub async fn list_sellers(store: &Store, limit: i64) -> StoreResult<Vec<Seller>> {
    let rows: Vec<SellerRow> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, slug, name, status, created_at FROM sellers ORDER BY id DESC LIMIT $1")
        .bind(limit).fetch_all(pool).await)?;
    rows.into_iter().map(Seller::try_from).collect()
}

pub async fn update_seller_name(
    tx: &mut Tx,
    id: SellerId,
    name: &ShopName,
    now: Timestamp,
) -> StoreResult<()> {
    let n = on_tx!(tx, conn => sqlx::query("UPDATE sellers SET name = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string()).bind(name.as_str()).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn set_seller_status(
    tx: &mut Tx,
    id: SellerId,
    status: SellerStatus,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("UPDATE sellers SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string()).bind(status.as_str()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

// ---- members -------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Member {
    pub id: MemberId,
    pub seller_id: SellerId,
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: String,
    seller_id: String,
    user_id: String,
    email: String,
    name: String,
    role: String,
    created_at: i64,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(row: MemberRow) -> StoreResult<Member> {
        Ok(Member {
            id: MemberId::parse(&row.id).map_err(corrupt)?,
            seller_id: SellerId::parse(&row.seller_id).map_err(corrupt)?,
            user_id: UserId::parse(&row.user_id).map_err(corrupt)?,
            role: row.role.parse().map_err(|_| corrupt(&row.role))?,
            email: row.email,
            name: row.name,
            created_at: Timestamp::from_unix_millis(row.created_at),
        })
    }
}

const MEMBER_SELECT: &str = "SELECT m.id, m.seller_id, m.user_id, u.email, u.name, m.role, m.created_at \
     FROM seller_members m JOIN users u ON u.id = m.user_id";

pub async fn insert_member(
    tx: &mut Tx,
    id: MemberId,
    seller: SellerId,
    user: UserId,
    role: Role,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO seller_members (id, seller_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
        .bind(id.to_string()).bind(seller.to_string()).bind(user.to_string()).bind(role.as_str())
        .bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// The membership of a user, if it belongs to a seller's team.
pub async fn find_membership(store: &Store, user: UserId) -> StoreResult<Option<Member>> {
    let sql = format!("{MEMBER_SELECT} WHERE m.user_id = $1");
    let row: Option<MemberRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user.to_string()).fetch_optional(pool).await)?;
    row.map(Member::try_from).transpose()
}

pub async fn list_members(store: &Store, seller: SellerId) -> StoreResult<Vec<Member>> {
    let sql = format!("{MEMBER_SELECT} WHERE m.seller_id = $1 ORDER BY m.id");
    let rows: Vec<MemberRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(seller.to_string()).fetch_all(pool).await)?;
    rows.into_iter().map(Member::try_from).collect()
}

/// A member of `seller`'s team; another seller's member is simply not found.
pub async fn get_member_tx(tx: &mut Tx, seller: SellerId, id: MemberId) -> StoreResult<Member> {
    let sql = format!("{MEMBER_SELECT} WHERE m.seller_id = $1 AND m.id = $2");
    let row: MemberRow = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(seller.to_string()).bind(id.to_string()).fetch_one(conn).await)?;
    row.try_into()
}

pub async fn get_member(store: &Store, seller: SellerId, id: MemberId) -> StoreResult<Member> {
    let sql = format!("{MEMBER_SELECT} WHERE m.seller_id = $1 AND m.id = $2");
    let row: MemberRow = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(seller.to_string()).bind(id.to_string()).fetch_one(pool).await)?;
    row.try_into()
}

pub async fn count_owners_tx(tx: &mut Tx, seller: SellerId) -> StoreResult<i64> {
    let (n,): (i64,) = on_tx!(tx, conn => sqlx::query_as(
        "SELECT COUNT(*) FROM seller_members WHERE seller_id = $1 AND role = 'owner'")
        .bind(seller.to_string()).fetch_one(conn).await)?;
    Ok(n)
}

pub async fn set_member_role(
    tx: &mut Tx,
    seller: SellerId,
    id: MemberId,
    role: Role,
    now: Timestamp,
) -> StoreResult<()> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE seller_members SET role = $3, updated_at = $4 WHERE seller_id = $1 AND id = $2")
        .bind(seller.to_string()).bind(id.to_string()).bind(role.as_str()).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn delete_member(tx: &mut Tx, seller: SellerId, id: MemberId) -> StoreResult<()> {
    let n = on_tx!(tx, conn => sqlx::query("DELETE FROM seller_members WHERE seller_id = $1 AND id = $2")
        .bind(seller.to_string()).bind(id.to_string())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---- invitations -----------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: InvitationId,
    pub seller_id: SellerId,
    pub seller_name: String,
    pub email: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: String,
    seller_id: String,
    seller_name: String,
    email: String,
    role: String,
    created_at: i64,
    expires_at: i64,
    accepted_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = StoreError;
    fn try_from(row: InvitationRow) -> StoreResult<Invitation> {
        Ok(Invitation {
            id: InvitationId::parse(&row.id).map_err(corrupt)?,
            seller_id: SellerId::parse(&row.seller_id).map_err(corrupt)?,
            role: row.role.parse().map_err(|_| corrupt(&row.role))?,
            seller_name: row.seller_name,
            email: row.email,
            created_at: Timestamp::from_unix_millis(row.created_at),
            expires_at: Timestamp::from_unix_millis(row.expires_at),
            accepted_at: row.accepted_at.map(Timestamp::from_unix_millis),
            revoked_at: row.revoked_at.map(Timestamp::from_unix_millis),
        })
    }
}

const INVITATION_SELECT: &str = "SELECT i.id, i.seller_id, s.name AS seller_name, i.email, i.role, \
     i.created_at, i.expires_at, i.accepted_at, i.revoked_at \
     FROM invitations i JOIN sellers s ON s.id = i.seller_id";

pub struct NewInvitation<'a> {
    pub id: InvitationId,
    pub seller: SellerId,
    pub email: &'a Email,
    pub role: Role,
    pub token_hash: &'a str,
    pub invited_by: UserId,
    pub expires_at: Timestamp,
}

pub async fn insert_invitation(
    tx: &mut Tx,
    invitation: NewInvitation<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO invitations (id, seller_id, email, role, token_hash, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(invitation.id.to_string()).bind(invitation.seller.to_string())
        .bind(invitation.email.as_str()).bind(invitation.role.as_str())
        .bind(invitation.token_hash).bind(invitation.invited_by.to_string())
        .bind(now.unix_millis()).bind(invitation.expires_at.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn find_invitation_by_token_tx(
    tx: &mut Tx,
    token_hash: &str,
) -> StoreResult<Option<Invitation>> {
    let sql = format!("{INVITATION_SELECT} WHERE i.token_hash = $1");
    let row: Option<InvitationRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(token_hash).fetch_optional(conn).await)?;
    row.map(Invitation::try_from).transpose()
}

pub async fn find_invitation_by_token(
    store: &Store,
    token_hash: &str,
) -> StoreResult<Option<Invitation>> {
    let sql = format!("{INVITATION_SELECT} WHERE i.token_hash = $1");
    let row: Option<InvitationRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(token_hash).fetch_optional(pool).await)?;
    row.map(Invitation::try_from).transpose()
}

/// Invitations of a seller that are neither accepted nor revoked.
pub async fn list_open_invitations(
    store: &Store,
    seller: SellerId,
) -> StoreResult<Vec<Invitation>> {
    let sql = format!(
        "{INVITATION_SELECT} WHERE i.seller_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL ORDER BY i.id DESC"
    );
    let rows: Vec<InvitationRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(seller.to_string()).fetch_all(pool).await)?;
    rows.into_iter().map(Invitation::try_from).collect()
}

pub async fn mark_invitation_accepted(
    tx: &mut Tx,
    id: InvitationId,
    by: UserId,
    now: Timestamp,
) -> StoreResult<()> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE invitations SET accepted_at = $2, accepted_by = $3 \
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL")
        .bind(id.to_string()).bind(now.unix_millis()).bind(by.to_string())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn revoke_invitation(
    tx: &mut Tx,
    seller: SellerId,
    id: InvitationId,
    now: Timestamp,
) -> StoreResult<()> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE invitations SET revoked_at = $3 \
         WHERE seller_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL")
        .bind(seller.to_string()).bind(id.to_string()).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
