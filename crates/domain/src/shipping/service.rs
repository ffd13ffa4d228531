//! The courier services etalase can quote, each with the rules that decide
//! its chargeable weight and whether the platform offers COD on it. Prices
//! are not here: they are data (`shipping_rates.csv`), edited by admins.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A courier company. Resi shapes and pickup belong to the courier; prices
/// and speeds belong to each of its services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Courier {
    Jne,
    Jnt,
    Sicepat,
    Anteraja,
    Pos,
}

impl Courier {
    pub const ALL: [Courier; 5] = [
        Courier::Jne,
        Courier::Jnt,
        Courier::Sicepat,
        Courier::Anteraja,
        Courier::Pos,
    ];

    pub fn parse(code: &str) -> Option<Courier> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The stable code stored with orders and resi checks.
    pub fn code(self) -> &'static str {
        match self {
            Courier::Jne => "jne",
            Courier::Jnt => "jnt",
            Courier::Sicepat => "sicepat",
            Courier::Anteraja => "anteraja",
            Courier::Pos => "pos",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Courier::Jne => "JNE",
            Courier::Jnt => "J&T Express",
            Courier::Sicepat => "SiCepat",
            Courier::Anteraja => "AnterAja",
            Courier::Pos => "Pos Indonesia",
        }
    }
}

/// What kind of delivery a service sells; the platform's COD rule keys on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceKind {
    /// Door-to-door parcels at the everyday price.
    Regular,
    /// Next-day delivery at a premium (JNE YES, SiCepat BEST).
    NextDay,
    /// Heavy goods by truck or ship: cheaper per kg, slow, with a minimum.
    Cargo,
}

/// How a service turns grams into the whole kilograms it charges for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightRounding {
    /// Any started kilogram is charged: 1.01 kg → 2 kg.
    UpToWholeKg,
    /// Grams up to `tolerance_grams` past a whole kilogram are forgiven:
    /// JNE's 0.3 kg makes 1.30 kg → 1 kg and 1.31 kg → 2 kg.
    WholeKgWithTolerance { tolerance_grams: u32 },
}

impl WeightRounding {
    /// Whole kilograms for `grams` (0 for nothing; minimums are the
    /// service's business, not the rounding's).
    pub fn whole_kg(self, grams: u64) -> u64 {
        let forgiven = match self {
            WeightRounding::UpToWholeKg => 0,
            WeightRounding::WholeKgWithTolerance { tolerance_grams } => u64::from(tolerance_grams),
        };
        grams.saturating_sub(forgiven).div_ceil(1000)
    }
}

/// A service a buyer can pick at checkout. The code is stored in orders and
/// in `shipping_rates.csv`, so it never changes once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    JneReg,
    JneYes,
    JneJtr,
    JntEz,
    SicepatReg,
    SicepatBest,
    AnterajaReg,
    PosKilat,
}

/// Everything fixed about one service, in one row so they are read together.
struct Spec {
    code: &'static str,
    courier: Courier,
    name: &'static str,
    kind: ServiceKind,
    volumetric_divisor: u32,
    rounding: WeightRounding,
    minimum_kg: u64,
}

/// JNE forgives 0.3 kg (see the domain facts). We model no tolerance for
/// the other couriers, as we could confirm none, nor for JNE Trucking, whose
/// 10 kg minimum decides most of its parcels anyway.
const JNE_TOLERANCE: WeightRounding = WeightRounding::WholeKgWithTolerance {
    tolerance_grams: 300,
};
const UP: WeightRounding = WeightRounding::UpToWholeKg;

impl Service {
    pub const ALL: [Service; 8] = [
        Service::JneReg,
        Service::JneYes,
        Service::JneJtr,
        Service::JntEz,
        Service::SicepatReg,
        Service::SicepatBest,
        Service::AnterajaReg,
        Service::PosKilat,
    ];

    #[rustfmt::skip]
    fn spec(self) -> Spec {
        use Courier::*;
        use ServiceKind::*;
        let spec = |code, courier, name, kind, volumetric_divisor, rounding, minimum_kg| Spec {
            code, courier, name, kind, volumetric_divisor, rounding, minimum_kg,
        };
        match self {
            Service::JneReg => spec("jne_reg", Jne, "JNE REG", Regular, 6000, JNE_TOLERANCE, 1),
            Service::JneYes => spec("jne_yes", Jne, "JNE YES", NextDay, 6000, JNE_TOLERANCE, 1),
            Service::JneJtr => spec("jne_jtr", Jne, "JNE Trucking (JTR)", Cargo, 4000, UP, 10),
            Service::JntEz => spec("jnt_ez", Jnt, "J&T EZ", Regular, 6000, UP, 1),
            Service::SicepatReg => spec("sicepat_reg", Sicepat, "SiCepat REG", Regular, 6000, UP, 1),
            Service::SicepatBest => spec("sicepat_best", Sicepat, "SiCepat BEST", NextDay, 6000, UP, 1),
            Service::AnterajaReg => spec("anteraja_reg", Anteraja, "AnterAja Reguler", Regular, 6000, UP, 1),
            Service::PosKilat => spec("pos_kilat", Pos, "Pos Kilat Khusus", Regular, 6000, UP, 1),
        }
    }

    /// The stable code (`jne_reg`), as in orders and the rate file.
    pub fn code(self) -> &'static str {
        self.spec().code
    }

    pub fn parse(code: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn courier(self) -> Courier {
        self.spec().courier
    }

    /// What buyers read at checkout: `JNE REG`, `J&T EZ`.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn kind(self) -> ServiceKind {
        self.spec().kind
    }

    /// cm³ per kilogram of volumetric weight: 6000 for express parcels,
    /// lower (so a box weighs more) for cargo, which sells space.
    pub fn volumetric_divisor(self) -> u32 {
        self.spec().volumetric_divisor
    }

    pub fn weight_rounding(self) -> WeightRounding {
        self.spec().rounding
    }

    /// The fewest kilograms the service charges, however light the parcel.
    pub fn minimum_kg(self) -> u64 {
        self.spec().minimum_kg
    }

    /// Whether the platform offers COD on this service. Regular services
    /// only, a platform choice: a COD parcel the buyer refuses comes back at
    /// the seller's cost, and a next-day or cargo return costs the most.
    pub fn cod_available(self) -> bool {
        self.kind() == ServiceKind::Regular
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
