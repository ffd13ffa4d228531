//! What one order's package is, as a courier booking, a shipping label
//! and a packing slip need it: where it leaves from (the shop's pickup
//! address), where it goes (the address as it was at checkout), what is
//! in it, what it weighs, and what the courier collects on delivery.

use std::collections::HashMap;

use etalase_domain::ErrorCode;
use etalase_domain::checkout::{DeliveryAddress, PaymentMethod};
use etalase_domain::id::{OrderId, SellerId, SkuId};
use etalase_domain::regions::regions;
use etalase_domain::shipping::{Courier, Service, ShippingOption};
use etalase_store::checkout::{self as orders_store, StoredOrder, StoredOrderLine};
use etalase_store::fulfilment as store;

use crate::{ServiceError, ServiceResult, Services};

/// A place a package leaves from or goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub name: String,
    /// E.164.
    pub phone: String,
    pub street: String,
    pub district_code: String,
    pub postal_code: String,
}

impl Place {
    /// `Kec. Coblong, Kota Bandung, Jawa Barat 40132`: the district, its
    /// regency and province by their names, then the postal code.
    pub fn area(&self) -> String {
        let r = regions();
        let district = r.district(&self.district_code);
        let regency = district.and_then(|d| r.regency_label(d.parent));
        let province = district
            .and_then(|d| r.regency(d.parent))
            .and_then(|g| r.province(g.parent));
        let mut parts: Vec<String> = Vec::new();
        if let Some(d) = district {
            parts.push(format!("Kec. {}", d.name));
        }
        parts.extend(regency);
        if let Some(p) = province {
            parts.push(p.name.to_owned());
        }
        format!("{} {}", parts.join(", "), self.postal_code)
            .trim()
            .to_owned()
    }
}

/// One order's package.
#[derive(Debug, Clone)]
pub struct Package {
    pub order: StoredOrder,
    pub lines: Vec<StoredOrderLine>,
    /// The seller's code of each line's SKU, where it has one.
    pub sku_codes: HashMap<SkuId, String>,
    pub shop_name: String,
    pub origin: Place,
    pub destination: Place,
    pub shipping: ShippingOption,
    /// Whole Rupiah the courier collects on delivery (COD orders only).
    pub cod_to_collect: Option<i64>,
}

impl Package {
    pub fn service(&self) -> Service {
        self.shipping.service
    }

    /// The courier that has (or will have) the package.
    pub fn courier(&self) -> Courier {
        self.order
            .fulfilment
            .courier
            .unwrap_or_else(|| self.shipping.service.courier())
    }

    /// The weight billed, in grams.
    pub fn weight_grams(&self) -> u64 {
        self.shipping.chargeable_kg.saturating_mul(1000)
    }

    pub fn sku_code(&self, line: &StoredOrderLine) -> &str {
        self.sku_codes
            .get(&line.sku)
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The packages of the seller's orders `ids`, in that order; another
/// shop's order is not found.
pub async fn packages(
    svc: &Services,
    seller: SellerId,
    ids: &[OrderId],
) -> ServiceResult<Vec<Package>> {
    let mut orders = Vec::with_capacity(ids.len());
    for id in ids {
        let order = store::order_of_seller(&svc.store, seller, *id)
            .await?
            .ok_or(ErrorCode::NotFound)?;
        orders.push(order);
    }
    let origin = pickup_of(svc, seller).await?;
    let shop_name = etalase_store::sellers::get_seller(&svc.store, seller)
        .await?
        .name;
    let mut lines = orders_store::lines_of_orders(&svc.store, ids).await?;
    let skus: Vec<SkuId> = lines.iter().map(|l| l.sku).collect();
    let sku_codes: HashMap<SkuId, String> =
        etalase_store::catalog::codes_of_skus(&svc.store, seller, &skus)
            .await?
            .into_iter()
            .collect();
    let mut out = Vec::with_capacity(orders.len());
    for order in orders {
        let (mine, rest): (Vec<_>, Vec<_>) = lines.into_iter().partition(|l| l.order == order.id);
        lines = rest;
        let address: DeliveryAddress =
            serde_json::from_str(&order.address).map_err(ServiceError::internal)?;
        let shipping: ShippingOption =
            serde_json::from_str(&order.shipping_option).map_err(ServiceError::internal)?;
        let cod_to_collect = (order.method == PaymentMethod::Cod).then_some(order.total);
        out.push(Package {
            lines: mine,
            sku_codes: sku_codes.clone(),
            shop_name: shop_name.clone(),
            origin: Place {
                name: shop_name.clone(),
                ..origin.clone()
            },
            destination: Place {
                name: address.recipient,
                phone: address.phone.as_str().to_owned(),
                street: address.street,
                district_code: address.district_code,
                postal_code: address.postal_code,
            },
            shipping,
            cod_to_collect,
            order,
        });
    }
    Ok(out)
}

/// The shop's pickup address: where couriers collect its packages.
async fn pickup_of(svc: &Services, seller: SellerId) -> ServiceResult<Place> {
    let pickup = etalase_store::kyc::list_addresses(&svc.store, seller)
        .await?
        .into_iter()
        .find(|a| a.kind == "pickup")
        .ok_or(ErrorCode::PickupAddressMissing)?;
    Ok(Place {
        name: String::new(),
        phone: pickup.phone,
        street: pickup.street,
        district_code: pickup.district_code,
        postal_code: pickup.postal_code,
    })
}
