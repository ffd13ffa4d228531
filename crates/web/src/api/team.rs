use axum::extract::{Path, Query, State};
use axum::response::Json;
use etalase_domain::ErrorCode;
use etalase_domain::id::MemberId;
use etalase_domain::policy::{Area, SellerAction};
use etalase_services::teams;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiAuth;
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

/// A member of the shop's team.
#[derive(Serialize, ToSchema)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub email: String,
    /// `owner`, `marketing`, `operations` or `finance`.
    pub role: String,
    /// RFC 3339, UTC.
    pub joined_at: String,
}

impl From<etalase_store::sellers::Member> for Member {
    fn from(m: etalase_store::sellers::Member) -> Self {
        Member {
            id: m.id.to_string(),
            name: m.name,
            email: m.email,
            role: m.role.as_str().to_owned(),
            joined_at: m.created_at.to_rfc3339(),
        }
    }
}

/// One page of members.
#[derive(Serialize, ToSchema)]
pub struct MemberPage {
    pub items: Vec<Member>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// 1–100, default 50.
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/team/members", tag = "team",
    security(("api_key" = ["team:read"])),
    params(PageQuery),
    responses(
        (status = 200, body = MemberPage),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `team:read`"),
    ))]
pub async fn list_members(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Query(page): Query<PageQuery>,
) -> AppResult<Json<MemberPage>> {
    let limit = page.limit.unwrap_or(50).clamp(1, 100);
    let after: Option<MemberId> = match page.cursor.as_deref() {
        Some(text) => Some(
            text.parse()
                .map_err(|_| AppError::from(ErrorCode::MalformedRequest))?,
        ),
        None => None,
    };
    let members = teams::members(&state.services, &scope).await?;
    let mut rest: Vec<_> = members
        .into_iter()
        .filter(|m| after.is_none_or(|after| m.id > after))
        .collect();
    let next_cursor = (rest.len() > limit).then(|| rest[limit - 1].id.to_string());
    rest.truncate(limit);
    Ok(Json(MemberPage {
        items: rest.into_iter().map(Member::from).collect(),
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/api/v1/team/members/{member_id}", tag = "team",
    security(("api_key" = ["team:read"])),
    params(("member_id" = String, Path, description = "A member id, `mbr_…`")),
    responses(
        (status = 200, body = Member),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such member in this shop"),
    ))]
pub async fn get_member(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(member_id): Path<String>,
) -> AppResult<Json<Member>> {
    // Permission first: a key without `team:read` learns nothing, not even
    // whether an id is well-formed.
    scope.authorize(SellerAction::read(Area::Team))?;
    let id: MemberId = member_id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    Ok(Json(
        teams::member(&state.services, &scope, id).await?.into(),
    ))
}
