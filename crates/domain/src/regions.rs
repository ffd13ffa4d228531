//! Indonesian administrative regions (Kemendagri codes) and postal codes,
//! embedded from `crates/domain/data/` (sources and licences in its README).
//! Codes are identifiers, kept as text: `32` province, `3201` regency or
//! city, `320101` district (kecamatan).

use std::collections::HashMap;
use std::sync::OnceLock;

const PROVINCES: &str = include_str!("../data/provinces.csv");
const REGENCIES: &str = include_str!("../data/regencies.csv");
const DISTRICTS: &str = include_str!("../data/districts.csv");
const RETIRED: &str = include_str!("../data/districts_retired.csv");
const POSTAL_CODES: &str = include_str!("../data/postal_codes.csv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub parent: &'static str,
    pub name: &'static str,
}

/// What a district code (the first six digits of a NIK) is today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistrictCode {
    Current,
    /// In an earlier decree only; the district is now `current`.
    Retired {
        current: &'static str,
    },
    /// Not in any decree we ship: older than 2015, or mistyped. A warning,
    /// never a refusal — a NIK keeps the code it was issued with.
    Unknown,
}

pub struct Regions {
    provinces: Vec<Region>,
    regencies: Vec<Region>,
    districts: Vec<Region>,
    district_index: HashMap<&'static str, usize>,
    retired: HashMap<&'static str, &'static str>,
    postal_codes: HashMap<&'static str, Vec<&'static str>>,
}

/// The embedded region data, parsed once.
pub fn regions() -> &'static Regions {
    static REGIONS: OnceLock<Regions> = OnceLock::new();
    REGIONS.get_or_init(Regions::load)
}

fn rows(csv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    // The files are plain: a header, no quoted fields (checked by a test).
    csv.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect())
}

impl Regions {
    fn load() -> Regions {
        let provinces = rows(PROVINCES)
            .map(|r| Region {
                code: r[0],
                parent: "",
                name: r[1],
            })
            .collect();
        let regencies = rows(REGENCIES)
            .map(|r| Region {
                code: r[0],
                parent: r[1],
                name: r[2],
            })
            .collect();
        let districts: Vec<Region> = rows(DISTRICTS)
            .map(|r| Region {
                code: r[0],
                parent: r[1],
                name: r[2],
            })
            .collect();
        let district_index = districts
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code, i))
            .collect();
        let retired = rows(RETIRED).map(|r| (r[0], r[4])).collect();
        let mut postal_codes: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in rows(POSTAL_CODES) {
            postal_codes.entry(r[0]).or_default().push(r[1]);
        }
        Regions {
            provinces,
            regencies,
            districts,
            district_index,
            retired,
            postal_codes,
        }
    }

    pub fn provinces(&self) -> &[Region] {
        &self.provinces
    }

    pub fn province(&self, code: &str) -> Option<&Region> {
        self.provinces.iter().find(|p| p.code == code)
    }

    pub fn regencies_of<'a>(&'a self, province: &'a str) -> impl Iterator<Item = &'a Region> {
        self.regencies.iter().filter(move |r| r.parent == province)
    }

    pub fn regency(&self, code: &str) -> Option<&Region> {
        self.regencies.iter().find(|r| r.code == code)
    }

    /// A regency as a product card names it: `Kota Bandung`, `Kab. Sleman`.
    pub fn regency_label(&self, code: &str) -> Option<String> {
        self.regency(code)
            .map(|r| match r.name.strip_prefix("Kabupaten ") {
                Some(rest) => format!("Kab. {rest}"),
                None => r.name.to_owned(),
            })
    }

    pub fn districts_of<'a>(&'a self, regency: &'a str) -> impl Iterator<Item = &'a Region> {
        self.districts.iter().filter(move |d| d.parent == regency)
    }

    pub fn district(&self, code: &str) -> Option<&Region> {
        self.district_index.get(code).map(|&i| &self.districts[i])
    }

    pub fn district_code(&self, code: &str) -> DistrictCode {
        if self.district_index.contains_key(code) {
            DistrictCode::Current
        } else if let Some(current) = self.retired.get(code) {
            DistrictCode::Retired { current }
        } else {
            DistrictCode::Unknown
        }
    }

    /// Postal codes used in a district: suggestions for a form, not a rule
    /// (one postal code can span several districts and the reverse).
    pub fn postal_codes_of(&self, district: &str) -> &[&'static str] {
        self.postal_codes
            .get(district)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_levels_are_there_with_their_parents() {
        let r = regions();
        assert_eq!(r.provinces().len(), 38);
        assert_eq!(r.regencies.len(), 514);
        assert_eq!(r.districts.len(), 7285);
        for regency in &r.regencies {
            assert!(r.province(regency.parent).is_some(), "{}", regency.code);
            assert!(regency.code.starts_with(regency.parent));
        }
        for district in &r.districts {
            assert!(r.regency(district.parent).is_some(), "{}", district.code);
            assert!(
                !r.postal_codes_of(district.code).is_empty(),
                "{} has a postal code",
                district.code
            );
        }
    }

    #[test]
    fn files_have_no_quoted_fields() {
        for csv in [PROVINCES, REGENCIES, DISTRICTS, RETIRED, POSTAL_CODES] {
            assert!(!csv.contains('"'));
        }
    }

    #[test]
    fn looks_up_by_code_and_knows_retired_districts() {
        let r = regions();
        assert_eq!(r.province("32").unwrap().name, "Jawa Barat");
        assert_eq!(r.regency("3201").unwrap().name, "Kabupaten Bogor");
        assert_eq!(r.district_code("320101"), DistrictCode::Current);
        assert_eq!(
            r.district_code("910101"),
            DistrictCode::Retired { current: "930101" }
        );
        assert_eq!(r.district_code("999999"), DistrictCode::Unknown);
        assert!(r.regencies_of("93").any(|x| x.code == "9301"));
    }

    #[test]
    fn cards_shorten_kabupaten_and_keep_kota() {
        let r = regions();
        assert_eq!(r.regency_label("3404").as_deref(), Some("Kab. Sleman"));
        assert_eq!(r.regency_label("3273").as_deref(), Some("Kota Bandung"));
        assert_eq!(r.regency_label("9999"), None);
    }
}
