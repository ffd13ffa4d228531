//! In-app notices: written in the transaction of the change they tell about,
//! read by the person they are for.

use etalase_domain::ErrorCode;
use etalase_domain::id::{NotificationId, SellerId, UserId};
use etalase_domain::notification::NotificationKind;
use etalase_store::notifications::{self, Notification};
use etalase_store::{Tx, sellers};

use crate::{ServiceResult, Services};

/// How many notices the list shows.
const LIST_LIMIT: i64 = 50;

/// Tells every member of a shop's team, in the caller's transaction.
pub(crate) async fn tell_team(
    tx: &mut Tx,
    svc: &Services,
    seller: SellerId,
    kind: NotificationKind,
) -> ServiceResult<()> {
    for member in sellers::list_members(&svc.store, seller).await? {
        notifications::insert(tx, member.user_id, Some(seller), kind, svc.now()).await?;
    }
    Ok(())
}

/// The person's newest notices, newest first.
pub async fn list(svc: &Services, user: UserId) -> ServiceResult<Vec<Notification>> {
    Ok(notifications::list_for_user(&svc.store, user, LIST_LIMIT).await?)
}

pub async fn unread_count(svc: &Services, user: UserId) -> ServiceResult<i64> {
    Ok(notifications::unread_count(&svc.store, user).await?)
}

/// Marks one notice read and returns it (to follow its link). Another
/// person's notice is not found.
pub async fn open(svc: &Services, user: UserId, id: NotificationId) -> ServiceResult<Notification> {
    let mut tx = svc.store.write().await?;
    let notice = notifications::mark_read(&mut tx, user, id, svc.now())
        .await?
        .ok_or(ErrorCode::NotFound)?;
    tx.commit().await?;
    Ok(notice)
}

pub async fn mark_all_read(svc: &Services, user: UserId) -> ServiceResult<u64> {
    let mut tx = svc.store.write().await?;
    let count = notifications::mark_all_read(&mut tx, user, svc.now()).await?;
    tx.commit().await?;
    Ok(count)
}
