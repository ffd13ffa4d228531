//! The category tree sellers file products under, with the attributes each
//! category asks for. Shipped as data (`crates/domain/data/categories.csv`
//! and `category_attributes.csv`, described in that folder's README): a
//! category has its own attributes plus its ancestors'; products go into
//! leaf categories only.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use super::Problem;
use crate::{ErrorCode, Lang};

const CATEGORIES: &str = include_str!("../../data/categories.csv");
const ATTRIBUTES: &str = include_str!("../../data/category_attributes.csv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: &'static str,
    pub parent: Option<&'static str>,
    pub name_id: &'static str,
    pub name_en: &'static str,
    pub is_leaf: bool,
}

impl Category {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Id => self.name_id,
            Lang::En => self.name_en,
        }
    }
}

/// One attribute a category asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeSpec {
    pub key: &'static str,
    pub name_id: &'static str,
    pub name_en: &'static str,
    pub required: bool,
    /// The allowed values; empty for free text.
    pub choices: Vec<&'static str>,
}

impl AttributeSpec {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Id => self.name_id,
            Lang::En => self.name_en,
        }
    }
}

/// A choice value as people read it (`dalam_proses` → `dalam proses`).
pub fn choice_label(value: &str) -> String {
    value.replace('_', " ")
}

/// The longest free-text attribute value.
pub const MAX_ATTRIBUTE_CHARS: usize = 100;

#[derive(Debug)]
pub struct CategoryTree {
    categories: Vec<Category>,
    index: HashMap<&'static str, usize>,
    own_attributes: HashMap<&'static str, Vec<AttributeSpec>>,
}

pub fn tree() -> &'static CategoryTree {
    static TREE: OnceLock<CategoryTree> = OnceLock::new();
    TREE.get_or_init(|| {
        CategoryTree::from_csv(CATEGORIES, ATTRIBUTES).expect("the shipped category data is valid")
    })
}

impl CategoryTree {
    pub fn from_csv(
        categories: &'static str,
        attributes: &'static str,
    ) -> Result<CategoryTree, String> {
        let mut list: Vec<Category> = Vec::new();
        let mut index = HashMap::new();
        for (n, line) in data_lines(categories, "id,parent,name_id,name_en")? {
            let [id, parent, name_id, name_en] = fields(line, n)?;
            let parent = (!parent.is_empty()).then_some(parent);
            if let Some(p) = parent
                && !index.contains_key(p)
            {
                return Err(format!(
                    "categories line {n}: parent {p} is not listed before it"
                ));
            }
            if index.insert(id, list.len()).is_some() {
                return Err(format!("categories line {n}: {id} is listed twice"));
            }
            list.push(Category {
                id,
                parent,
                name_id,
                name_en,
                is_leaf: true,
            });
        }
        for i in 0..list.len() {
            if let Some(parent) = list[i].parent {
                let p = index[parent];
                list[p].is_leaf = false;
            }
        }
        let mut own_attributes: HashMap<&'static str, Vec<AttributeSpec>> = HashMap::new();
        for (n, line) in data_lines(attributes, "category,key,name_id,name_en,required,values")? {
            let parts: Vec<&'static str> = line.splitn(6, ',').collect();
            let [category, key, name_id, name_en, required, values] = parts[..] else {
                return Err(format!("attributes line {n}: expected 6 fields"));
            };
            if !index.contains_key(category) {
                return Err(format!("attributes line {n}: unknown category {category}"));
            }
            let required = match required {
                "true" => true,
                "false" => false,
                other => return Err(format!("attributes line {n}: required is {other}")),
            };
            own_attributes
                .entry(category)
                .or_default()
                .push(AttributeSpec {
                    key,
                    name_id,
                    name_en,
                    required,
                    choices: values.split('|').filter(|v| !v.is_empty()).collect(),
                });
        }
        Ok(CategoryTree {
            categories: list,
            index,
            own_attributes,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Category> {
        self.index.get(id).map(|&i| &self.categories[i])
    }

    pub fn all(&self) -> &[Category] {
        &self.categories
    }

    /// The leaf a product may be filed under, or the reason it may not.
    pub fn leaf(&self, id: &str) -> Result<&Category, ErrorCode> {
        match self.get(id) {
            Some(c) if c.is_leaf => Ok(c),
            Some(_) => Err(ErrorCode::CategoryNotALeaf),
            None => Err(ErrorCode::UnknownCategory),
        }
    }

    /// From the top-level category down to `id`.
    pub fn path(&self, id: &str) -> Vec<&Category> {
        let mut path = Vec::new();
        let mut next = self.get(id);
        while let Some(c) = next {
            path.push(c);
            next = c.parent.and_then(|p| self.get(p));
        }
        path.reverse();
        path
    }

    /// `Fashion Pria › Atasan › Kemeja`.
    pub fn path_label(&self, id: &str, lang: Lang) -> String {
        self.path(id)
            .iter()
            .map(|c| c.name(lang))
            .collect::<Vec<_>>()
            .join(" › ")
    }

    /// The attributes of a category: its ancestors' first, then its own.
    pub fn attributes(&self, id: &str) -> Vec<&AttributeSpec> {
        self.path(id)
            .iter()
            .flat_map(|c| self.own_attributes.get(c.id).into_iter().flatten())
            .collect()
    }

    /// Checks attribute values against a category: unknown keys, values
    /// outside the choices, and over-long text. Missing required values are
    /// [`CategoryTree::missing_required`] (a draft may lack them).
    pub fn check_attributes(&self, id: &str, values: &BTreeMap<String, String>) -> Vec<Problem> {
        let specs = self.attributes(id);
        let mut problems = Vec::new();
        for (key, value) in values {
            let field = format!("attributes.{key}");
            match specs.iter().find(|s| s.key == key) {
                None => problems.push(Problem::new(field, ErrorCode::UnknownAttribute)),
                Some(spec)
                    if !spec.choices.is_empty() && !spec.choices.contains(&value.as_str()) =>
                {
                    problems.push(Problem::new(field, ErrorCode::InvalidAttributeValue))
                }
                Some(_)
                    if value.chars().count() > MAX_ATTRIBUTE_CHARS
                        || value.chars().any(char::is_control) =>
                {
                    problems.push(Problem::new(field, ErrorCode::InvalidAttributeValue))
                }
                Some(_) => {}
            }
        }
        problems
    }

    /// An attribute's name by its key (keys mean the same in every category).
    pub fn attribute_name(&self, key: &str, lang: Lang) -> Option<&'static str> {
        self.own_attributes
            .values()
            .flatten()
            .find(|a| a.key == key)
            .map(|a| a.name(lang))
    }

    /// Required attributes without a value.
    pub fn missing_required<'a>(
        &'a self,
        id: &str,
        values: &BTreeMap<String, String>,
    ) -> Vec<&'a AttributeSpec> {
        self.attributes(id)
            .into_iter()
            .filter(|s| s.required && values.get(s.key).is_none_or(|v| v.trim().is_empty()))
            .collect()
    }
}

fn data_lines(
    csv: &'static str,
    header: &str,
) -> Result<impl Iterator<Item = (usize, &'static str)>, String> {
    let mut lines = csv.lines();
    if lines.next() != Some(header) {
        return Err(format!("expected the header {header}"));
    }
    Ok(lines
        .enumerate()
        .map(|(i, l)| (i + 2, l))
        .filter(|(_, l)| !l.is_empty()))
}

fn fields(line: &'static str, n: usize) -> Result<[&'static str; 4], String> {
    let parts: Vec<&'static str> = line.splitn(4, ',').collect();
    parts
        .try_into()
        .map_err(|_| format!("categories line {n}: expected 4 fields"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_tree_is_consistent() {
        let t = tree();
        assert!(t.all().len() > 100);
        for c in t.all() {
            let path = t.path(c.id);
            assert_eq!(path.last().unwrap().id, c.id);
            assert!(path[0].parent.is_none());
            if let Some(parent) = c.parent {
                assert!(c.id.starts_with(&format!("{parent}/")), "{}", c.id);
            }
            // No key is asked twice along a path.
            let attrs = t.attributes(c.id);
            for (i, a) in attrs.iter().enumerate() {
                assert!(
                    !attrs[..i].iter().any(|b| b.key == a.key),
                    "{} {}",
                    c.id,
                    a.key
                );
            }
        }
    }

    #[test]
    fn products_go_into_leaves_with_inherited_attributes() {
        let t = tree();
        let leaf = t
            .all()
            .iter()
            .find(|c| c.is_leaf && c.parent.is_some())
            .unwrap();
        assert!(t.leaf(leaf.id).is_ok());
        assert_eq!(
            t.leaf(leaf.parent.unwrap()).unwrap_err(),
            ErrorCode::CategoryNotALeaf
        );
        assert_eq!(t.leaf("tidak-ada").unwrap_err(), ErrorCode::UnknownCategory);
        // A leaf under a category with attributes has them too.
        let (with_attrs, spec) = t
            .all()
            .iter()
            .find_map(|c| t.own_attributes.get(c.id).map(|a| (c, &a[0])))
            .unwrap();
        let below = t
            .all()
            .iter()
            .find(|c| c.is_leaf && t.path(c.id).iter().any(|p| p.id == with_attrs.id))
            .unwrap();
        assert!(t.attributes(below.id).iter().any(|a| a.key == spec.key));
    }

    #[test]
    fn attribute_values_are_checked() {
        let t = tree();
        let (leaf, choice) = t
            .all()
            .iter()
            .filter(|c| c.is_leaf)
            .find_map(|c| {
                t.attributes(c.id)
                    .into_iter()
                    .find(|a| !a.choices.is_empty() && a.required)
                    .map(|a| (c.id, a.clone()))
            })
            .expect("some leaf has a required choice attribute");
        let mut values = BTreeMap::new();
        assert!(
            t.missing_required(leaf, &values)
                .iter()
                .any(|a| a.key == choice.key)
        );
        values.insert(choice.key.to_string(), "bukan-pilihan".to_string());
        assert_eq!(
            t.check_attributes(leaf, &values)[0].code,
            ErrorCode::InvalidAttributeValue
        );
        values.insert(choice.key.to_string(), choice.choices[0].to_string());
        assert!(t.check_attributes(leaf, &values).is_empty());
        assert!(
            !t.missing_required(leaf, &values)
                .iter()
                .any(|a| a.key == choice.key)
        );
        values.insert("warna_favorit".into(), "x".into());
        assert_eq!(
            t.check_attributes(leaf, &values)[0].field,
            "attributes.warna_favorit"
        );
    }

    #[test]
    fn bad_data_is_refused_with_its_line() {
        let attrs = "category,key,name_id,name_en,required,values\n";
        let orphan: &'static str = "id,parent,name_id,name_en\nb/c,b,C,C\n";
        assert!(
            CategoryTree::from_csv(orphan, attrs)
                .unwrap_err()
                .contains("line 2")
        );
        let twice: &'static str = "id,parent,name_id,name_en\na,,A,A\na,,A,A\n";
        assert!(
            CategoryTree::from_csv(twice, attrs)
                .unwrap_err()
                .contains("twice")
        );
        let unknown: &'static str = "category,key,name_id,name_en,required,values\nx,k,K,K,true,\n";
        assert!(
            CategoryTree::from_csv("id,parent,name_id,name_en\na,,A,A\n", unknown)
                .unwrap_err()
                .contains("unknown category")
        );
    }
}
