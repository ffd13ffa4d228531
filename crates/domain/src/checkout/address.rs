//! A delivery address, built only valid: a recipient, a phone normalised to
//! +62, the street, a district (kecamatan) from the Kemendagri data — its
//! regency and province follow from its code — and a postal code of that
//! district. An order keeps a copy, so editing an address later never
//! changes where a placed order goes.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;
use crate::phone::PhoneNumber;
use crate::regions::regions;

/// What a buyer typed (a field left out is empty, and answered as such).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AddressForm {
    pub label: String,
    pub recipient: String,
    pub phone: String,
    pub street: String,
    pub district_code: String,
    pub postal_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAddress {
    /// "Rumah", "Kantor" (may be empty).
    pub label: String,
    pub recipient: String,
    pub phone: PhoneNumber,
    pub street: String,
    pub district_code: String,
    pub postal_code: String,
}

impl DeliveryAddress {
    /// Validates every field; the errors come back per field, all at once.
    pub fn parse(form: &AddressForm) -> Result<DeliveryAddress, Vec<(&'static str, ErrorCode)>> {
        let mut problems = Vec::new();
        let label = squeeze(&form.label);
        if label.chars().count() > 30 {
            problems.push(("label", ErrorCode::InvalidAddressLabel));
        }
        let recipient = squeeze(&form.recipient);
        if !(2..=80).contains(&recipient.chars().count()) {
            problems.push(("recipient", ErrorCode::InvalidRecipient));
        }
        let phone = PhoneNumber::parse(&form.phone)
            .map_err(|c| problems.push(("phone", c)))
            .ok();
        let street = squeeze(&form.street);
        if !(5..=200).contains(&street.chars().count()) {
            problems.push(("street", ErrorCode::InvalidStreet));
        }
        let district_code = form.district_code.trim().to_string();
        let postal_code = form.postal_code.trim().to_string();
        if regions().district(&district_code).is_none() {
            problems.push(("district_code", ErrorCode::InvalidDistrict));
        } else if let Err(code) = check_postal_code(&district_code, &postal_code) {
            problems.push(("postal_code", code));
        }
        match phone {
            Some(phone) if problems.is_empty() => Ok(DeliveryAddress {
                label,
                recipient,
                phone,
                street,
                district_code,
                postal_code,
            }),
            _ => Err(problems),
        }
    }

    /// The regency (kabupaten/kota): the first four digits of the district.
    pub fn regency_code(&self) -> &str {
        &self.district_code[..4]
    }

    /// "Cengkareng, Kota Administrasi Jakarta Barat, Daerah Khusus Ibukota Jakarta 11710".
    pub fn area_line(&self) -> String {
        let r = regions();
        let district = r.district(&self.district_code).map_or("", |d| d.name);
        let regency = r.regency(self.regency_code()).map_or("", |d| d.name);
        let province = r.province(&self.district_code[..2]).map_or("", |d| d.name);
        format!("{district}, {regency}, {province} {}", self.postal_code)
    }

    /// The phone with the middle hidden, for the seller's order view.
    pub fn masked_phone(&self) -> String {
        let p = self.phone.as_str();
        let keep_end = 3;
        let head: String = p.chars().take(6).collect();
        let tail: String = p
            .chars()
            .skip(p.chars().count().saturating_sub(keep_end))
            .collect();
        format!("{head}****{tail}")
    }
}

/// Postal codes are five digits; when the data lists codes for the
/// district, it must be one of them (the form offers exactly those).
fn check_postal_code(district: &str, postal_code: &str) -> Result<(), ErrorCode> {
    if postal_code.len() != 5 || !postal_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ErrorCode::InvalidPostalCode);
    }
    let known = regions().postal_codes_of(district);
    if known.is_empty() || known.contains(&postal_code) {
        Ok(())
    } else {
        Err(ErrorCode::PostalCodeMismatch)
    }
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cengkareng() -> AddressForm {
        let district = "317301".to_string();
        let postal = regions()
            .postal_codes_of(&district)
            .first()
            .map_or("10110".to_string(), |p| p.to_string());
        AddressForm {
            label: "Rumah".into(),
            recipient: "  Siti   Aminah ".into(),
            phone: "0812-3456-7890".into(),
            street: "Jl. Medan Merdeka Barat No. 12, RT 01/RW 02".into(),
            district_code: district,
            postal_code: postal,
        }
    }

    #[test]
    fn a_complete_address_is_normalised() {
        let a = DeliveryAddress::parse(&cengkareng()).unwrap();
        assert_eq!(a.recipient, "Siti Aminah");
        assert_eq!(a.phone.as_str(), "+6281234567890");
        assert_eq!(a.regency_code(), "3173");
        assert!(a.area_line().contains("Jakarta"), "{}", a.area_line());
        assert_eq!(a.masked_phone(), "+62812****890");
    }

    #[test]
    fn every_bad_field_is_named() {
        let form = AddressForm {
            label: "x".repeat(31),
            recipient: "A".into(),
            phone: "12".into(),
            street: "Jl.".into(),
            district_code: "999999".into(),
            postal_code: "1".into(),
        };
        let problems = DeliveryAddress::parse(&form).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["label", "recipient", "phone", "street", "district_code"]
        );
    }

    #[test]
    fn a_postal_code_of_another_district_is_refused() {
        let mut form = cengkareng();
        form.postal_code = "99999".into();
        let problems = DeliveryAddress::parse(&form).unwrap_err();
        assert_eq!(
            problems,
            vec![("postal_code", ErrorCode::PostalCodeMismatch)]
        );
    }
}
