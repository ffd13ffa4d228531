//! Price claims in captions, live titles and pinned messages, and whether
//! the pricing function backs them.
//!
//! A seller says "diskon 50%" or "cuma Rp99rb" in a video caption but never
//! changes the price in Seller Center, and buyers are charged something
//! else. [`find_claims`] reads what the text promises; [`compare`] holds
//! each promise against what [`crate::pricing`] will really charge for the
//! tagged or pinned products while the content is live. A mismatch is a
//! warning to the seller before buyers see it.
//!
//! # How text is read (and the ambiguous cases, decided)
//!
//! Amounts:
//! - `Rp`/`Rp.`/`IDR` before, `rupiah` or `,-` after, and the multipliers
//!   `rb`/`ribu`/`rebu`/`k` (×1.000) and `jt`/`juta` (×1.000.000), with or
//!   without a space: `Rp99rb`, `149 ribu`, `1,2jt`, `Rp 1.250.000,-`,
//!   `IDR 75k`. `ribuan`/`jutaan`/`1000an` are vague and claim nothing.
//! - Separators: `.` + three digits groups thousands, `.` + one or two
//!   digits is a decimal point only before a multiplier (`1.2jt`; `19.00`
//!   and `12.12` are times and dates), `,` is the Indonesian decimal comma
//!   (`2,5 juta`) except that `150,000` without a multiplier is English
//!   grouping; without a multiplier a fraction must be zero (`,00`).
//! - A bare number (no currency, no multiplier) is a price only right
//!   after a price cue (`harga`, `cuma`, `hanya`, `mulai`, `jadi`,
//!   `seharga`, `cukup`, `only`, `price`…), from Rp1.000 up, and not when
//!   it reads as a year (`cuma 2026`). `4K`/`8K` need a cue too (screens).
//! - Never money: digits glued to a name or code (`A52`, `BTK-100`),
//!   phone numbers and dash chains (`0812-3456-7890`, sizes `39-43`),
//!   dates and times (`12/12`, `19:00`), units (`3pcs`, `42cm`), counts
//!   (`10rb+`, `terjual 10rb`, `1jt views`), mentions and links.
//! - An amount right after an amount-saved or threshold word (`hemat 50rb`,
//!   `potongan harga 20rb`, `cashback 10rb`, `min. belanja 100rb`,
//!   `ongkir 10rb`) claims nothing: it is not a unit price, and
//!   [`ClaimKind`] has no "amount off" (yet). `harga diskon 99rb` is a price.
//! - `mulai`, `mulai dari`, `start from`, `dari` and `harga mulai` make a
//!   [`ClaimKind::StartingFrom`]: the *cheapest* tagged product must cost
//!   exactly that. `cuma`/`hanya`/`only` make a plain [`ClaimKind::Price`]:
//!   some product must charge it.
//! - A former and a current price linked by `jadi`/`menjadi`/`sekarang`/
//!   `cuma` or an arrow (`→`, `->`, `=>`) make a [`ClaimKind::WasNow`] when
//!   the former is higher (`dari 150rb jadi 99rb`, `150rb → 99rb`, `harga
//!   normal 200rb, sekarang 149rb`); so do a struck-through former price
//!   (`~Rp150.000~ Rp99.000`) and one in brackets after the current price
//!   (`Rp99.000 (normal Rp150.000)`). When the former is not higher the
//!   phrase is a price rise and only the current price is claimed. A
//!   former price on its own (`harga normal 150rb`, `dari harga 200rb`,
//!   `~150rb~`) claims nothing.
//!
//! Percents (`50%`, `50 %`, `50 persen`, `-50%`) are [`ClaimKind::PercentOff`]
//! only near a discount word (`diskon`, `disc`, `potongan`, `hemat`,
//! `sale`, `promo`, `off`), rounded down (`12,5%` → 12), from 1 to 100. Not
//! a claim: `100% katun`/`original`/`asli` (a word of material or quality
//! follows), and percents of cashback, coins, shipping, instalments or tax:
//! cashback comes back after the order as coins or balance and does not
//! lower the charged price. In a range (`diskon 10-50%`) the upper bound is
//! claimed ("up to"), which [`compare`] checks against the best product.
//!
//! Free shipping: `gratis`/`free`/`bebas` + `ongkir`/`ongkos kirim`/
//! `shipping`, `ongkir gratis`, `ongkir 0`, `ongkir Rp0`, and run-together
//! `gratisongkir`; not after `tidak`/`belum`/`tanpa`.
//!
//! Hashtags are labels, except `#gratisongkir` (and the like) and
//! `#diskon50`/`#disc15`/`#sale70`: a buyer reads those as promises.
//!
//! Matching is ASCII case-insensitive; text of any script, emoji included,
//! passes through, and every span falls on char boundaries.

mod amount;
mod compare;
mod decide;
mod find;
mod found;
mod lex;
mod money;
mod near;
mod percent;
mod phrases;
mod words;

use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use compare::{ChargedProduct, Mismatch, compare};

/// One claim found in text, with the byte span it came from (to highlight
/// it): `text == &source[span]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    #[serde(flatten)]
    pub kind: ClaimKind,
    pub span: Range<usize>,
    pub text: String,
}

/// What a claim promises. Amounts are whole rupiah.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ClaimKind {
    /// `Rp99rb`, `cuma 49.000`, `149 ribu`, `1,2jt`, `Rp 150.000,-`,
    /// `IDR 75k`, `harga 89K`, `hanya 25rb aja`: some tagged product is
    /// charged this.
    Price(i64),
    /// `mulai 49rb`, `harga mulai dari Rp49.000`: the cheapest tagged
    /// product is charged exactly this.
    StartingFrom(i64),
    /// `diskon 50%`, `potongan 30 %`, `50% off`, `hemat 20%`, `disc 15%`.
    PercentOff(u8),
    /// `gratis ongkir`, `free ongkir`, `bebas ongkir`, `free shipping`,
    /// `ongkir 0`.
    FreeShipping,
    /// `dari 150rb jadi 99rb`, `150rb → 99rb`: one product is struck
    /// through at `was` and charged `now`.
    WasNow { was: i64, now: i64 },
}

/// Every price claim in `text`, in order of appearance. Claims do not
/// overlap.
pub fn find_claims(text: &str) -> Vec<Claim> {
    find::find(text)
}

#[cfg(test)]
mod tests;
