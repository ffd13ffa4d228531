//! Chargeable weight: what a courier bills for a parcel, in whole kilograms.
//! Integer grams throughout, so a boundary such as JNE's 1.30 kg is exact.

use super::service::Service;
use crate::catalog::sku::{Dimensions, WeightGrams};

/// One line of a parcel: `quantity` units of the same SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParcelItem {
    weight: WeightGrams,
    dimensions: Option<Dimensions>,
    quantity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParcelError {
    #[error("a parcel holds at least one item")]
    Empty,
    #[error("a parcel holds at most {} lines", Parcel::MAX_ITEMS)]
    TooManyItems,
    #[error("an item's quantity is 1 to {}", ParcelItem::MAX_QUANTITY)]
    QuantityOutOfRange,
}

impl ParcelItem {
    /// Far above any order line; it only keeps the arithmetic in range.
    pub const MAX_QUANTITY: u32 = 10_000;

    /// An item without dimensions counts by its actual weight only: the
    /// courier may re-measure it, and a seller who leaves them out takes
    /// that risk (the catalog asks for them on bulky categories).
    pub fn new(
        weight: WeightGrams,
        dimensions: Option<Dimensions>,
        quantity: i64,
    ) -> Result<ParcelItem, ParcelError> {
        let quantity = u32::try_from(quantity)
            .ok()
            .filter(|q| (1..=Self::MAX_QUANTITY).contains(q))
            .ok_or(ParcelError::QuantityOutOfRange)?;
        Ok(ParcelItem {
            weight,
            dimensions,
            quantity,
        })
    }

    pub fn weight(&self) -> WeightGrams {
        self.weight
    }

    pub fn dimensions(&self) -> Option<Dimensions> {
        self.dimensions
    }

    pub fn quantity(&self) -> u32 {
        self.quantity
    }
}

/// One package handed to a courier: the lines of one shop's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parcel {
    items: Vec<ParcelItem>,
}

impl Parcel {
    /// Far above any cart; it only keeps the arithmetic in range.
    pub const MAX_ITEMS: usize = 500;

    pub fn new(items: Vec<ParcelItem>) -> Result<Parcel, ParcelError> {
        match items.len() {
            0 => Err(ParcelError::Empty),
            n if n > Self::MAX_ITEMS => Err(ParcelError::TooManyItems),
            _ => Ok(Parcel { items }),
        }
    }

    /// A parcel of one unit of one item, the common case.
    pub fn single(weight: WeightGrams, dimensions: Option<Dimensions>) -> Parcel {
        Parcel {
            items: vec![ParcelItem {
                weight,
                dimensions,
                quantity: 1,
            }],
        }
    }

    pub fn items(&self) -> &[ParcelItem] {
        &self.items
    }

    /// What the scale shows: every unit's weight added up (packing
    /// material is the seller's to include in the SKU weight).
    pub fn actual_grams(&self) -> u64 {
        self.items
            .iter()
            .map(|i| u64::from(i.weight.grams()) * u64::from(i.quantity))
            .sum()
    }

    /// The package's volume, taken as the sum of its items' volumes. A
    /// stated simplification: it assumes items pack with no gaps and the box
    /// adds nothing, so it can only under-estimate what a courier measures.
    pub fn volume_cm3(&self) -> u64 {
        self.items
            .iter()
            .filter_map(|i| i.dimensions.map(|d| d.volume_cm3() * u64::from(i.quantity)))
            .sum()
    }

    /// Volumetric weight for a divisor in cm³ per kg, rounded up to the
    /// whole gram, as couriers round in their own favour.
    pub fn volumetric_grams(&self, divisor: u32) -> u64 {
        (self.volume_cm3() * 1000).div_ceil(u64::from(divisor.max(1)))
    }
}

/// The kilograms a service bills for `parcel`: the heavier of actual and
/// volumetric weight, rounded by the service's rule, never under its minimum.
pub fn chargeable_kg(service: Service, parcel: &Parcel) -> u64 {
    let grams = parcel
        .actual_grams()
        .max(parcel.volumetric_grams(service.volumetric_divisor()));
    chargeable_kg_of_grams(service, grams)
}

/// [`chargeable_kg`] for a weight already decided (actual or volumetric).
pub fn chargeable_kg_of_grams(service: Service, grams: u64) -> u64 {
    service
        .weight_rounding()
        .whole_kg(grams)
        .max(service.minimum_kg())
        .max(1)
}
