//! Where a parcel travels: island zones, and the route between two
//! regencies that picks a row of the rate table.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::regions::regions;

/// An island group. Couriers price by how far apart and how well linked
/// two places are, and the big islands are the first cut of that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Zone {
    Sumatera,
    Jawa,
    BaliNusaTenggara,
    Kalimantan,
    Sulawesi,
    MalukuPapua,
}

impl Zone {
    pub const ALL: [Zone; 6] = [
        Zone::Sumatera,
        Zone::Jawa,
        Zone::BaliNusaTenggara,
        Zone::Kalimantan,
        Zone::Sulawesi,
        Zone::MalukuPapua,
    ];

    /// The code used in the rate file's routes (`jawa-maluku_papua`).
    pub fn code(self) -> &'static str {
        match self {
            Zone::Sumatera => "sumatera",
            Zone::Jawa => "jawa",
            Zone::BaliNusaTenggara => "bali_nusa_tenggara",
            Zone::Kalimantan => "kalimantan",
            Zone::Sulawesi => "sulawesi",
            Zone::MalukuPapua => "maluku_papua",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Zone::Sumatera => "Sumatera",
            Zone::Jawa => "Jawa",
            Zone::BaliNusaTenggara => "Bali & Nusa Tenggara",
            Zone::Kalimantan => "Kalimantan",
            Zone::Sulawesi => "Sulawesi",
            Zone::MalukuPapua => "Maluku & Papua",
        }
    }

    pub fn parse(code: &str) -> Option<Zone> {
        Zone::ALL.into_iter().find(|z| z.code() == code)
    }

    /// The zone of a two-digit province code. Kemendagri numbers provinces
    /// by island group, so the first digit decides, and a province split
    /// later (as Papua was in 2022) lands in its zone without a change here.
    /// The Riau Islands (21) count as Sumatera, as their code says.
    pub fn of_province(province: &str) -> Option<Zone> {
        if province.len() != 2 || !province.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match province.as_bytes()[0] {
            b'1' | b'2' => Some(Zone::Sumatera),
            b'3' => Some(Zone::Jawa),
            b'5' => Some(Zone::BaliNusaTenggara),
            b'6' => Some(Zone::Kalimantan),
            b'7' => Some(Zone::Sulawesi),
            b'8' | b'9' => Some(Zone::MalukuPapua),
            _ => None,
        }
    }
}

/// A regency or city (kabupaten/kota) code that exists and has a zone:
/// the only kind of place a quote starts or ends at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RegencyCode {
    code: &'static str,
    province: &'static str,
    zone: Zone,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a regency or city code we know")]
pub struct UnknownRegency(pub String);

impl RegencyCode {
    pub fn parse(text: &str) -> Result<RegencyCode, UnknownRegency> {
        let unknown = || UnknownRegency(text.to_owned());
        let regency = regions().regency(text.trim()).ok_or_else(unknown)?;
        let zone = Zone::of_province(regency.parent).ok_or_else(unknown)?;
        Ok(RegencyCode {
            code: regency.code,
            province: regency.parent,
            zone,
        })
    }

    pub fn as_str(&self) -> &'static str {
        self.code
    }

    /// The two-digit province code the regency belongs to.
    pub fn province(&self) -> &'static str {
        self.province
    }

    pub fn zone(&self) -> Zone {
        self.zone
    }
}

/// Which row of the rate table prices a trip: within a city, within a
/// province, or from one zone to another (a zone to itself when the trip
/// crosses provinces inside it, e.g. Jakarta → Surabaya is `jawa-jawa`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Route {
    SameRegency,
    SameProvince,
    Zones { from: Zone, to: Zone },
}

/// Why a route in the rate file was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("unknown zone `{0}` (zones: {zones})", zones = zone_codes())]
    UnknownZone(String),
    #[error("unknown route `{0}`: write same_regency, same_province or <zone>-<zone>")]
    Malformed(String),
}

fn zone_codes() -> String {
    Zone::ALL.map(Zone::code).join(", ")
}

impl Route {
    /// Every route, in the order the rate file lists them: 2 + 6 × 6.
    pub fn all() -> impl Iterator<Item = Route> {
        let pairs = Zone::ALL
            .into_iter()
            .flat_map(|from| Zone::ALL.map(|to| Route::Zones { from, to }));
        [Route::SameRegency, Route::SameProvince]
            .into_iter()
            .chain(pairs)
    }

    /// The route a parcel takes from `origin` to `destination`. Only the
    /// regency decides "same city": Jakarta's five cities are one province,
    /// so Jakarta Pusat → Jakarta Selatan is `same_province`.
    pub fn between(origin: RegencyCode, destination: RegencyCode) -> Route {
        if origin.code == destination.code {
            Route::SameRegency
        } else if origin.province == destination.province {
            Route::SameProvince
        } else {
            Route::Zones {
                from: origin.zone,
                to: destination.zone,
            }
        }
    }

    pub fn parse(text: &str) -> Result<Route, RouteError> {
        match text {
            "same_regency" => return Ok(Route::SameRegency),
            "same_province" => return Ok(Route::SameProvince),
            _ => {}
        }
        let (from, to) = text
            .split_once('-')
            .ok_or_else(|| RouteError::Malformed(text.to_owned()))?;
        let zone =
            |code: &str| Zone::parse(code).ok_or_else(|| RouteError::UnknownZone(code.to_owned()));
        Ok(Route::Zones {
            from: zone(from)?,
            to: zone(to)?,
        })
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::SameRegency => f.write_str("same_regency"),
            Route::SameProvince => f.write_str("same_province"),
            Route::Zones { from, to } => write!(f, "{}-{}", from.code(), to.code()),
        }
    }
}

impl From<Route> for String {
    fn from(route: Route) -> String {
        route.to_string()
    }
}

impl TryFrom<String> for Route {
    type Error = RouteError;

    fn try_from(text: String) -> Result<Route, RouteError> {
        Route::parse(&text)
    }
}
