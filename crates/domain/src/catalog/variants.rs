//! Variant options (up to three dimensions, such as Warna × Ukuran) and the
//! SKU matrix they span. When the seller changes the options, existing SKUs
//! keep their data wherever the new matrix still has them.

use super::Problem;
use crate::ErrorCode;

/// At most this many dimensions.
pub const MAX_DIMENSIONS: usize = 3;
/// At most this many SKUs per product.
pub const MAX_SKUS: usize = 300;

/// One option dimension: a name and its values, in the seller's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionDimension {
    name: String,
    values: Vec<String>,
}

impl OptionDimension {
    /// `values` separated by commas or new lines; duplicates (ignoring case)
    /// are refused rather than merged, so the seller sees the typo.
    pub fn parse(name: &str, values: &str) -> Result<OptionDimension, ErrorCode> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 20 {
            return Err(ErrorCode::InvalidOptionName);
        }
        let mut list: Vec<String> = Vec::new();
        for raw in values.split([',', '\n']) {
            let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            if value.is_empty() {
                continue;
            }
            if value.chars().count() > 30 || value.contains('/') {
                return Err(ErrorCode::InvalidOptionValue);
            }
            if list
                .iter()
                .any(|v| v.to_lowercase() == value.to_lowercase())
            {
                return Err(ErrorCode::DuplicateOptionValue);
            }
            list.push(value);
        }
        if list.is_empty() {
            return Err(ErrorCode::OptionValuesRequired);
        }
        Ok(OptionDimension { name, values: list })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn values(&self) -> &[String] {
        &self.values
    }

    fn same_name(&self, other: &str) -> bool {
        self.name.to_lowercase() == other.to_lowercase()
    }
}

/// A product's dimensions; none means one SKU without options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options(Vec<OptionDimension>);

/// The option values of one SKU, in dimension order (empty without options).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Combination(pub Vec<String>);

impl Combination {
    /// `Merah / XL`, or empty.
    pub fn label(&self) -> String {
        self.0.join(" / ")
    }
}

impl Options {
    pub fn none() -> Options {
        Options(Vec::new())
    }

    /// Checks the dimensions together: at most three, distinct names, and a
    /// matrix of at most [`MAX_SKUS`]. Problems name `options[i]`.
    pub fn new(dimensions: Vec<OptionDimension>) -> Result<Options, Vec<Problem>> {
        let mut problems = Vec::new();
        if dimensions.len() > MAX_DIMENSIONS {
            problems.push(Problem::new("options", ErrorCode::TooManyOptionDimensions));
        }
        for (i, d) in dimensions.iter().enumerate() {
            if dimensions[..i].iter().any(|e| e.same_name(&d.name)) {
                problems.push(Problem::new(
                    format!("options[{i}].name"),
                    ErrorCode::DuplicateOptionName,
                ));
            }
        }
        let count = dimensions
            .iter()
            .try_fold(1usize, |n, d| n.checked_mul(d.values.len()))
            .unwrap_or(usize::MAX);
        if count > MAX_SKUS {
            problems.push(Problem::new("options", ErrorCode::TooManySkus));
        }
        if problems.is_empty() {
            Ok(Options(dimensions))
        } else {
            Err(problems)
        }
    }

    pub fn dimensions(&self) -> &[OptionDimension] {
        &self.0
    }

    /// Every combination, first dimension slowest (`Merah/S, Merah/M, …`).
    pub fn combinations(&self) -> Vec<Combination> {
        let mut combos = vec![Vec::new()];
        for dimension in &self.0 {
            combos = combos
                .into_iter()
                .flat_map(|prefix: Vec<String>| {
                    dimension.values.iter().map(move |v| {
                        let mut next = prefix.clone();
                        next.push(v.clone());
                        next
                    })
                })
                .collect();
        }
        combos.into_iter().map(Combination).collect()
    }

    /// Does `combination` belong to this matrix?
    pub fn contains(&self, combination: &Combination) -> bool {
        combination.0.len() == self.0.len()
            && self
                .0
                .iter()
                .zip(&combination.0)
                .all(|(d, v)| d.values.contains(v))
    }

    fn value_of<'a>(&self, combination: &'a Combination, dimension: &str) -> Option<&'a str> {
        self.0
            .iter()
            .position(|d| d.same_name(dimension))
            .and_then(|i| combination.0.get(i).map(String::as_str))
    }
}

/// The new matrix with each SKU's data carried over from the old one.
///
/// An old SKU lands on the new combination that has the same value in every
/// dimension both matrices share; in a dimension only the new matrix has, it
/// lands on that dimension's first value; from a dimension that was removed,
/// only the SKU with that dimension's first value is kept. So adding a value
/// (or a dimension) never loses a SKU's price, stock or code, and removing
/// one drops only the SKUs that had it.
pub fn carry_over<T: Clone>(
    old_options: &Options,
    old: &[(Combination, T)],
    new_options: &Options,
) -> Vec<(Combination, Option<T>)> {
    new_options
        .combinations()
        .into_iter()
        .map(|combo| {
            let data = old
                .iter()
                .find(|(old_combo, _)| lands_on(old_options, old_combo, new_options, &combo))
                .map(|(_, data)| data.clone());
            (combo, data)
        })
        .collect()
}

fn lands_on(
    old_options: &Options,
    old_combo: &Combination,
    new_options: &Options,
    new_combo: &Combination,
) -> bool {
    let shared_match = new_options.0.iter().all(|d| {
        let new_value = new_options.value_of(new_combo, &d.name);
        match old_options.value_of(old_combo, &d.name) {
            Some(old_value) => new_value == Some(old_value),
            None => new_value == d.values.first().map(String::as_str),
        }
    });
    let removed_at_first = old_options
        .0
        .iter()
        .filter(|d| !new_options.0.iter().any(|n| n.same_name(&d.name)))
        .all(|d| old_options.value_of(old_combo, &d.name) == d.values.first().map(String::as_str));
    shared_match && removed_at_first
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dim(name: &str, values: &str) -> OptionDimension {
        OptionDimension::parse(name, values).unwrap()
    }

    fn opts(dims: Vec<OptionDimension>) -> Options {
        Options::new(dims).unwrap()
    }

    fn labels(options: &Options) -> Vec<String> {
        options
            .combinations()
            .iter()
            .map(Combination::label)
            .collect()
    }

    #[test]
    fn the_matrix_spans_every_combination_in_order() {
        let o = opts(vec![dim("Warna", "Merah, Biru"), dim("Ukuran", "S,M,L")]);
        assert_eq!(
            labels(&o),
            [
                "Merah / S",
                "Merah / M",
                "Merah / L",
                "Biru / S",
                "Biru / M",
                "Biru / L"
            ]
        );
        assert_eq!(Options::none().combinations(), vec![Combination(vec![])]);
    }

    #[test]
    fn limits_are_enforced_per_field() {
        let four = Options::new(vec![
            dim("A", "1"),
            dim("B", "1"),
            dim("C", "1"),
            dim("D", "1"),
        ])
        .unwrap_err();
        assert_eq!(four[0].code, ErrorCode::TooManyOptionDimensions);
        let big = (1..=16)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let too_many = Options::new(vec![dim("A", &big), dim("B", &big), dim("C", "x,y")]);
        assert_eq!(too_many.unwrap_err()[0].code, ErrorCode::TooManySkus);
        let exactly_300 = (1..=20)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert!(
            Options::new(vec![
                dim("A", &exactly_300),
                dim("B", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o")
            ])
            .is_ok()
        );
        let dup = Options::new(vec![dim("Warna", "x"), dim("warna", "y")]).unwrap_err();
        assert_eq!(dup[0].field, "options[1].name");
        assert_eq!(
            OptionDimension::parse("Warna", "Merah, merah"),
            Err(ErrorCode::DuplicateOptionValue)
        );
        assert_eq!(
            OptionDimension::parse("Warna", " , "),
            Err(ErrorCode::OptionValuesRequired)
        );
        assert_eq!(
            OptionDimension::parse("", "x"),
            Err(ErrorCode::InvalidOptionName)
        );
    }

    #[test]
    fn adding_a_value_keeps_every_existing_sku() {
        let before = opts(vec![dim("Warna", "Merah,Biru"), dim("Ukuran", "S,M")]);
        let old: Vec<_> = before
            .combinations()
            .into_iter()
            .map(|c| {
                let label = c.label();
                (c, label)
            })
            .collect();
        let after = opts(vec![dim("Warna", "Merah,Biru,Hijau"), dim("Ukuran", "S,M")]);
        let carried = carry_over(&before, &old, &after);
        assert_eq!(carried.len(), 6);
        for (combo, data) in &carried {
            if combo.0[0] == "Hijau" {
                assert_eq!(data, &None);
            } else {
                assert_eq!(data.as_deref(), Some(combo.label().as_str()));
            }
        }
    }

    #[test]
    fn adding_and_removing_dimensions() {
        let colour = opts(vec![dim("Warna", "Merah,Biru")]);
        let old = vec![
            (Combination(vec!["Merah".into()]), 1),
            (Combination(vec!["Biru".into()]), 2),
        ];
        let sized = opts(vec![dim("Warna", "Merah,Biru"), dim("Ukuran", "S,M")]);
        let carried = carry_over(&colour, &old, &sized);
        let kept: Vec<_> = carried
            .iter()
            .filter_map(|(c, d)| d.map(|d| (c.label(), d)))
            .collect();
        assert_eq!(
            kept,
            [("Merah / S".to_string(), 1), ("Biru / S".to_string(), 2)]
        );

        let back = carry_over(
            &sized,
            &carried
                .iter()
                .map(|(c, d)| (c.clone(), d.unwrap_or(9)))
                .collect::<Vec<_>>(),
            &colour,
        );
        assert_eq!(
            back.iter().map(|(_, d)| *d).collect::<Vec<_>>(),
            [Some(1), Some(2)]
        );
    }

    proptest! {
        #[test]
        fn every_old_sku_lands_at_most_once_and_unchanged_options_keep_everything(
            colours in 1usize..5, sizes in 1usize..5, extra in 0usize..3,
        ) {
            let values = |n: usize, p: &str| (0..n).map(|i| format!("{p}{i}")).collect::<Vec<_>>().join(",");
            let before = opts(vec![dim("Warna", &values(colours, "w")), dim("Ukuran", &values(sizes, "u"))]);
            let old: Vec<_> = before.combinations().into_iter().enumerate().map(|(i, c)| (c, i)).collect();
            let same = carry_over(&before, &old, &before);
            prop_assert!(same.iter().enumerate().all(|(i, (_, d))| *d == Some(i)));
            let after = opts(vec![dim("Warna", &values(colours + extra, "w")), dim("Ukuran", &values(sizes, "u"))]);
            let carried = carry_over(&before, &old, &after);
            let mut landed: Vec<usize> = carried.iter().filter_map(|(_, d)| *d).collect();
            landed.sort();
            prop_assert_eq!(landed, (0..old.len()).collect::<Vec<_>>());
        }
    }
}
