//! A buyer's delivery addresses.

use etalase_domain::ErrorCode;
use etalase_domain::checkout::{AddressForm, DeliveryAddress};
use etalase_domain::id::{AddressId, UserId};
use etalase_store::checkout::{self as store, StoredAddress};

use crate::{FieldError, ServiceError, ServiceResult, Services};

pub async fn list(svc: &Services, buyer: UserId) -> ServiceResult<Vec<StoredAddress>> {
    Ok(store::addresses_of(&svc.store, buyer).await?)
}

fn parse(form: &AddressForm) -> ServiceResult<DeliveryAddress> {
    DeliveryAddress::parse(form).map_err(|problems| {
        ServiceError::fields(
            problems
                .into_iter()
                .map(|(field, code)| FieldError::new(field, code))
                .collect(),
        )
    })
}

/// Saves a new address (the first one, or one asked to be, is the default).
pub async fn add(
    svc: &Services,
    buyer: UserId,
    form: &AddressForm,
    make_default: bool,
) -> ServiceResult<AddressId> {
    let address = parse(form)?;
    let mut tx = svc.store.write().await?;
    let id = store::insert_address(&mut tx, buyer, &address, make_default, svc.now())
        .await?
        .ok_or(ErrorCode::TooManyAddresses)?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    svc: &Services,
    buyer: UserId,
    id: AddressId,
    form: &AddressForm,
) -> ServiceResult<()> {
    let address = parse(form)?;
    let mut tx = svc.store.write().await?;
    if !store::update_address(&mut tx, buyer, id, &address, svc.now()).await? {
        return Err(ErrorCode::NotFound.into());
    }
    tx.commit().await?;
    Ok(())
}

pub async fn make_default(svc: &Services, buyer: UserId, id: AddressId) -> ServiceResult<()> {
    let mut tx = svc.store.write().await?;
    if !store::set_default_address(&mut tx, buyer, id, svc.now()).await? {
        return Err(ErrorCode::NotFound.into());
    }
    tx.commit().await?;
    Ok(())
}

pub async fn remove(svc: &Services, buyer: UserId, id: AddressId) -> ServiceResult<()> {
    let mut tx = svc.store.write().await?;
    if !store::remove_address(&mut tx, buyer, id, svc.now()).await? {
        return Err(ErrorCode::NotFound.into());
    }
    tx.commit().await?;
    Ok(())
}
