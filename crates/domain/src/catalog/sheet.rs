//! The bulk-upload sheet: one row per SKU, rows of one product sharing a
//! product key, columns close to the marketplaces' bulk-upload templates,
//! headers in Indonesian or English. Reads what spreadsheets really write —
//! UTF-8 with or without a BOM, `,` or `;` between fields (Indonesian-locale
//! spreadsheets use `;`), prices as `150.000` or `150000`, quoted multi-line
//! descriptions — and reports every problem by row and column.

use std::collections::BTreeMap;

use super::Problem;
use super::image_source::{ImageSource, MAX_IMAGES};
use super::product::{ProductDraft, ProductInput, SkuInput};
use crate::{ErrorCode, Lang};

/// A sheet column: its key, its header in each language, other names
/// accepted when reading.
pub struct Column {
    pub key: &'static str,
    pub id: &'static str,
    pub en: &'static str,
    pub aliases: &'static [&'static str],
}

impl Column {
    pub fn header(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Id => self.id,
            Lang::En => self.en,
        }
    }
}

macro_rules! columns {
    ($($key:literal, $id:literal, $en:literal, [$($alias:literal),*];)*) => {
        pub const COLUMNS: &[Column] = &[$(Column { key: $key, id: $id, en: $en, aliases: &[$($alias),*] },)*];
    };
}

columns! {
    "product_key", "Kunci Produk", "Product Key", ["parent sku", "sku induk", "kode produk", "product code"];
    "title", "Nama Produk", "Product Name", ["judul", "title", "nama"];
    "category", "Kategori", "Category", ["category id", "id kategori"];
    "description", "Deskripsi", "Description", ["deskripsi produk", "product description"];
    "bullets", "Poin Keunggulan", "Selling Points", ["bullet points", "keunggulan"];
    "brand", "Merek", "Brand", ["merk"];
    "condition", "Kondisi", "Condition", [];
    "tags", "Tag", "Tags", [];
    "gtin", "GTIN", "GTIN", ["ean", "upc", "isbn", "barcode produk"];
    "cod", "COD", "COD", ["bayar di tempat", "cash on delivery"];
    "preorder_days", "Pre-order (hari)", "Pre-order (days)", ["preorder", "pre-order"];
    "option1_name", "Nama Varian 1", "Variant 1 Name", ["variasi 1", "variation 1"];
    "option1_value", "Pilihan Varian 1", "Variant 1 Value", ["opsi 1", "option 1"];
    "option2_name", "Nama Varian 2", "Variant 2 Name", ["variasi 2", "variation 2"];
    "option2_value", "Pilihan Varian 2", "Variant 2 Value", ["opsi 2", "option 2"];
    "option3_name", "Nama Varian 3", "Variant 3 Name", ["variasi 3", "variation 3"];
    "option3_value", "Pilihan Varian 3", "Variant 3 Value", ["opsi 3", "option 3"];
    "sku_code", "Kode SKU", "SKU Code", ["sku", "seller sku", "sku penjual"];
    "price", "Harga", "Price", ["harga (rp)", "price (idr)"];
    "original_price", "Harga Coret", "Strikethrough Price", ["harga asli", "original price"];
    "stock", "Stok", "Stock", ["jumlah stok", "quantity"];
    "weight_grams", "Berat (gram)", "Weight (grams)", ["berat", "weight"];
    "length_cm", "Panjang (cm)", "Length (cm)", ["panjang"];
    "width_cm", "Lebar (cm)", "Width (cm)", ["lebar"];
    "height_cm", "Tinggi (cm)", "Height (cm)", ["tinggi"];
    "barcode", "Barcode SKU", "SKU Barcode", [];
    "attributes", "Atribut", "Attributes", [];
    "images", "Foto", "Images", ["gambar", "image urls", "url foto"];
}

/// The columns a sheet must have.
pub const REQUIRED: [&str; 4] = ["title", "sku_code", "price", "stock"];

/// The template's header line (and a sample row), ready to download.
pub fn template(lang: Lang) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(
        &COLUMNS
            .iter()
            .map(|c| c.header(lang))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    let sample: BTreeMap<&str, &str> = [
        ("product_key", "KMJ-BTK"),
        (
            "title",
            "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang Katun",
        ),
        ("category", "batik-kain-tradisional/batik/kemeja"),
        (
            "description",
            "\"Kemeja batik tulis dari Solo.\n\nBahan katun primisima yang adem.\"",
        ),
        ("bullets", "Batik tulis | Katun primisima"),
        ("brand", "Batik Sari"),
        ("condition", "baru"),
        ("tags", "batik | kemeja pria"),
        ("cod", "ya"),
        ("option1_name", "Ukuran"),
        ("option1_value", "M"),
        ("sku_code", "KMJ-BTK-M"),
        ("price", "150.000"),
        ("stock", "10"),
        ("weight_grams", "300"),
        ("length_cm", "30"),
        ("width_cm", "20"),
        ("height_cm", "3"),
        ("attributes", "bahan=Katun | teknik_batik=tulis"),
    ]
    .into_iter()
    .collect();
    out.push_str(
        &COLUMNS
            .iter()
            .map(|c| sample.get(c.key).copied().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    out
}

/// A problem in the sheet: its row (1 is the header) and column key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    pub row: usize,
    /// A column key (see [`COLUMNS`]); empty when the whole row is meant.
    pub column: &'static str,
    pub code: ErrorCode,
}

/// Why a file cannot be read as a sheet at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    Empty,
    NotUtf8,
    MissingColumns(Vec<&'static str>),
    Malformed { row: usize },
}

impl SheetError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SheetError::Empty => ErrorCode::CsvEmpty,
            SheetError::NotUtf8 => ErrorCode::CsvNotUtf8,
            SheetError::MissingColumns(_) => ErrorCode::CsvMissingColumns,
            SheetError::Malformed { .. } => ErrorCode::CsvMalformed,
        }
    }
}

/// One product of the sheet: its rows (sheet row numbers) and what they say.
#[derive(Debug, Clone)]
pub struct SheetProduct {
    pub key: String,
    pub rows: Vec<usize>,
    pub input: ProductInput,
    /// The photos listed on its rows, in order, each once, with the row
    /// that names it.
    pub images: Vec<(usize, ImageSource)>,
}

/// A read sheet: products, and the rows that could not be read into one.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub products: Vec<SheetProduct>,
    pub problems: Vec<SheetProblem>,
    pub rows: usize,
}

fn normalize(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn column_for(header: &str) -> Option<&'static Column> {
    let h = normalize(header);
    COLUMNS.iter().find(|c| {
        normalize(c.id) == h
            || normalize(c.en) == h
            || c.key == h
            || c.aliases.iter().any(|a| normalize(a) == h)
    })
}

/// `,` unless the header line has more `;` (a spreadsheet in Indonesian locale).
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split(['|', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `bahan=Katun | teknik_batik=tulis` (`;` also separates, inside quotes).
fn attributes(text: &str) -> Result<BTreeMap<String, String>, ErrorCode> {
    let mut out = BTreeMap::new();
    for pair in text
        .split([';', '|', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair
            .split_once('=')
            .ok_or(ErrorCode::InvalidAttributeValue)?;
        out.insert(k.trim().to_lowercase(), v.trim().to_owned());
    }
    Ok(out)
}

fn yes(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "ya" | "y" | "yes" | "true" | "1" | "bisa" | "aktif"
    )
}

/// Reads a sheet from the bytes of an uploaded file.
pub fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    let text = std::str::from_utf8(bytes).map_err(|_| SheetError::NotUtf8)?;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(SheetError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| SheetError::Malformed { row: 1 })?
        .clone();
    let mapping: Vec<Option<&'static Column>> = headers.iter().map(column_for).collect();
    let missing: Vec<&'static str> = REQUIRED
        .iter()
        .copied()
        .filter(|k| !mapping.iter().flatten().any(|c| c.key == *k))
        .collect();
    if !missing.is_empty() {
        return Err(SheetError::MissingColumns(missing));
    }
    let mut sheet = Sheet::default();
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, SheetProduct> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = record.map_err(|_| SheetError::Malformed { row })?;
        let mut cells: BTreeMap<&'static str, String> = BTreeMap::new();
        for (value, column) in record.iter().zip(&mapping) {
            if let Some(column) = column {
                cells.insert(column.key, value.trim().to_owned());
            }
        }
        if cells.values().all(|v| v.is_empty()) {
            continue;
        }
        sheet.rows += 1;
        let cell = |k: &str| cells.get(k).cloned().unwrap_or_default();
        if cell("sku_code").is_empty() && !cell("product_key").starts_with("prd_") {
            // Imports match by SKU code (or, for exported rows, by the
            // product's id); without one a re-import would duplicate.
            sheet.problems.push(SheetProblem {
                row,
                column: "sku_code",
                code: ErrorCode::SkuCodeRequired,
            });
            continue;
        }
        let key = Some(cell("product_key"))
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| format!("title:{}", cell("title").to_lowercase()));
        let group = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            SheetProduct {
                key: key.clone(),
                rows: Vec::new(),
                input: ProductInput {
                    title: cell("title"),
                    description: cell("description"),
                    bullets: split_list(&cell("bullets")).join("\n"),
                    category: cell("category"),
                    brand: cell("brand"),
                    condition: cell("condition").to_lowercase(),
                    tags: split_list(&cell("tags")).join(", "),
                    gtin: cell("gtin"),
                    cod_allowed: cells.get("cod").is_none_or(|v| v.is_empty() || yes(v)),
                    preorder_days: cell("preorder_days"),
                    ..ProductInput::default()
                },
                images: Vec::new(),
            }
        });
        for entry in split_list(&cell("images")) {
            match ImageSource::parse(&entry) {
                Ok(source) if group.images.iter().any(|(_, s)| s.key() == source.key()) => {}
                Ok(_) if group.images.len() == MAX_IMAGES => {
                    sheet.problems.push(SheetProblem {
                        row,
                        column: "images",
                        code: ErrorCode::TooManyImages,
                    });
                    break;
                }
                Ok(source) => group.images.push((row, source)),
                Err(code) => sheet.problems.push(SheetProblem {
                    row,
                    column: "images",
                    code,
                }),
            }
        }
        match attributes(&cell("attributes")) {
            Ok(attrs) => group.input.attributes.extend(attrs),
            Err(code) => sheet.problems.push(SheetProblem {
                row,
                column: "attributes",
                code,
            }),
        }
        let mut combination = Vec::new();
        for n in 1..=3 {
            let name = cell(&format!("option{n}_name"));
            let value = cell(&format!("option{n}_value"));
            if name.is_empty() && value.is_empty() {
                continue;
            }
            combination.push(value.clone());
            let slot = n - 1;
            if group.input.options.len() <= slot {
                group
                    .input
                    .options
                    .resize(slot + 1, (String::new(), String::new()));
            }
            let (dim_name, values) = &mut group.input.options[slot];
            if dim_name.is_empty() {
                *dim_name = name;
            }
            let known: Vec<&str> = values.split(',').map(str::trim).collect();
            if !value.is_empty() && !known.contains(&value.as_str()) {
                if !values.is_empty() {
                    values.push_str(", ");
                }
                values.push_str(&value);
            }
        }
        group.rows.push(row);
        group.input.skus.push(SkuInput {
            combination,
            code: cell("sku_code"),
            price: cell("price"),
            original_price: cell("original_price"),
            stock: cell("stock"),
            weight_grams: cell("weight_grams"),
            length_cm: cell("length_cm"),
            width_cm: cell("width_cm"),
            height_cm: cell("height_cm"),
            barcode: cell("barcode"),
        });
    }
    sheet.products = order
        .into_iter()
        .filter_map(|k| groups.remove(&k))
        .collect();
    Ok(sheet)
}

impl SheetProduct {
    /// The product parsed, or its problems mapped onto rows and columns.
    /// A combination listed twice, or missing from the rows, is reported.
    pub fn draft(&self) -> Result<ProductDraft, Vec<SheetProblem>> {
        let mut problems = Vec::new();
        for (i, sku) in self.input.skus.iter().enumerate() {
            if self.input.skus[..i]
                .iter()
                .any(|s| s.combination == sku.combination)
            {
                problems.push(SheetProblem {
                    row: self.rows[i],
                    column: "option1_value",
                    code: ErrorCode::DuplicateOptionValue,
                });
            }
        }
        let draft = ProductDraft::parse(&self.input).map_err(|list| self.locate(list));
        match draft {
            Ok(d) if problems.is_empty() => {
                if d.skus.len() != self.input.skus.len() {
                    // The options span combinations no row gives.
                    return Err(vec![SheetProblem {
                        row: self.rows[0],
                        column: "option1_value",
                        code: ErrorCode::VariantRowsIncomplete,
                    }]);
                }
                Ok(d)
            }
            Ok(_) => Err(problems),
            Err(mut more) => {
                problems.append(&mut more);
                Err(problems)
            }
        }
    }

    /// Product problems placed on this product's rows and columns.
    pub fn locate(&self, list: Vec<Problem>) -> Vec<SheetProblem> {
        list.into_iter()
            .map(|p| {
                let (row, column) = self.place(&p.field);
                SheetProblem {
                    row,
                    column,
                    code: p.code,
                }
            })
            .collect()
    }

    /// The row and column a product field comes from.
    fn place(&self, field: &str) -> (usize, &'static str) {
        let first = self.rows[0];
        if let Some(rest) = field.strip_prefix("skus[")
            && let Some((i, name)) = rest.split_once("].")
        {
            let row = i
                .parse::<usize>()
                .ok()
                .and_then(|i| self.rows.get(i))
                .copied()
                .unwrap_or(first);
            let column = match name {
                "code" => "sku_code",
                "price" => "price",
                "original_price" => "original_price",
                "stock" => "stock",
                "weight_grams" => "weight_grams",
                "dimensions" => "length_cm",
                "barcode" => "barcode",
                _ => "",
            };
            return (row, column);
        }
        if field.starts_with("attributes") {
            return (first, "attributes");
        }
        if let Some(rest) = field.strip_prefix("options[") {
            let n = rest
                .chars()
                .next()
                .and_then(|c| c.to_digit(10))
                .unwrap_or(0)
                + 1;
            let column = match (n, rest.ends_with("name")) {
                (1, true) => "option1_name",
                (2, true) => "option2_name",
                (3, true) => "option3_name",
                (2, false) => "option2_value",
                (3, false) => "option3_value",
                _ => "option1_value",
            };
            return (first, column);
        }
        let column = COLUMNS
            .iter()
            .find(|c| c.key == field)
            .map(|c| c.key)
            .unwrap_or("");
        (first, column)
    }
}

/// A column's header for messages (`Harga`), or its key when unknown.
pub fn column_header(key: &str, lang: Lang) -> &str {
    COLUMNS
        .iter()
        .find(|c| c.key == key)
        .map(|c| c.header(lang))
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER_ID: &str = "Kunci Produk;Nama Produk;Kategori;Deskripsi;Nama Varian 1;Pilihan Varian 1;Kode SKU;Harga;Stok;Berat (gram);Panjang (cm);Lebar (cm);Tinggi (cm);Atribut\n";

    #[test]
    fn an_indonesian_spreadsheet_with_semicolons_bom_and_multiline_cells() {
        let text = format!(
            "\u{feff}{HEADER_ID}\
             KMJ;Kemeja Batik Tulis Pria Lengan Panjang Katun;batik-kain-tradisional/batik/kemeja;\"Baris satu;\nbaris dua\";Ukuran;M;KMJ-M;150.000;10;300;30;20;3;\"bahan=Katun; teknik_batik=tulis\"\n\
             KMJ;;;;Ukuran;L;KMJ-L;155000;5;300;30;20;3;\n\
             ;;;;;;;;;;;;;\n"
        );
        let sheet = read(text.as_bytes()).unwrap();
        assert_eq!(sheet.rows, 2);
        assert!(sheet.problems.is_empty(), "{:?}", sheet.problems);
        let product = &sheet.products[0];
        assert_eq!(product.rows, [2, 3]);
        assert_eq!(
            product.input.options,
            [("Ukuran".to_string(), "M, L".to_string())]
        );
        assert_eq!(product.input.description, "Baris satu;\nbaris dua");
        let draft = product.draft().unwrap();
        assert_eq!(draft.skus[0].price.unwrap().rupiah(), 150_000);
        assert_eq!(draft.skus[1].price.unwrap().rupiah(), 155_000);
        assert_eq!(draft.details.attributes["teknik_batik"], "tulis");
    }

    #[test]
    fn problems_are_placed_on_their_row_and_column() {
        let text = "Product Key,Product Name,SKU Code,Price,Stock\n\
                    A,Kaos Polos Cotton Combed Lengan Pendek,K-1,0,3\n\
                    B,Kaos Polos Cotton Combed Lengan Panjang,,10000,3\n\
                    C,Celana,C-1,12000,-2\n";
        let sheet = read(text.as_bytes()).unwrap();
        assert_eq!(
            sheet.problems,
            [SheetProblem {
                row: 3,
                column: "sku_code",
                code: ErrorCode::SkuCodeRequired
            }]
        );
        let a = sheet.products[0].draft().unwrap_err();
        assert_eq!(
            (a[0].row, a[0].column, a[0].code),
            (2, "price", ErrorCode::PriceOutOfRange)
        );
        let c = sheet.products[1].draft().unwrap_err();
        assert_eq!((c[0].row, c[0].column), (4, "stock"));
    }

    #[test]
    fn photos_gather_over_a_products_rows_each_once() {
        let text = "Product Key,Product Name,SKU Code,Price,Stock,Images\n\
                    A,Kaos Polos,K-1,10000,3,https://cdn.example.id/a.jpg | kaos-depan.JPG\n\
                    A,,K-2,10000,3,foto/kaos-depan.jpg | ftp://example.id/b.jpg | kaos-belakang.png\n";
        let sheet = read(text.as_bytes()).unwrap();
        assert_eq!(
            sheet.problems,
            [SheetProblem {
                row: 3,
                column: "images",
                code: ErrorCode::ImageUrlInvalid
            }]
        );
        assert_eq!(
            sheet.products[0].images,
            [
                (2, ImageSource::Url("https://cdn.example.id/a.jpg".into())),
                (2, ImageSource::File("kaos-depan.JPG".into())),
                (3, ImageSource::File("kaos-belakang.png".into())),
            ]
        );
        let ten: Vec<String> = (0..10).map(|i| format!("f{i}.jpg")).collect();
        let text = format!(
            "Product Name,SKU Code,Price,Stock,Images\nKaos,K-1,10000,3,{}\n",
            ten.join(" | ")
        );
        let sheet = read(text.as_bytes()).unwrap();
        assert_eq!(sheet.products[0].images.len(), MAX_IMAGES);
        assert_eq!(sheet.problems[0].code, ErrorCode::TooManyImages);
    }

    #[test]
    fn files_that_are_not_sheets_are_refused_whole() {
        assert_eq!(read(b"").unwrap_err(), SheetError::Empty);
        assert_eq!(
            read(&[0xff, 0xfe, b'a', 0]).unwrap_err(),
            SheetError::NotUtf8
        );
        // Windows-1252 "é" is not UTF-8.
        assert_eq!(
            read(b"Nama Produk,Kode SKU\nCaf\xe9,1\n").unwrap_err(),
            SheetError::NotUtf8
        );
        assert_eq!(
            read(b"Nama Produk,Harga\nKaos,1000\n").unwrap_err(),
            SheetError::MissingColumns(vec!["sku_code", "stock"])
        );
    }

    #[test]
    fn the_template_reads_back() {
        for lang in Lang::ALL {
            let sheet = read(template(lang).as_bytes()).unwrap();
            assert_eq!(sheet.rows, 1);
            let draft = sheet.products[0].draft().unwrap();
            assert_eq!(draft.skus[0].code.as_ref().unwrap().as_str(), "KMJ-BTK-M");
        }
    }

    #[test]
    fn a_missing_combination_row_is_reported() {
        let text = "Kunci Produk,Nama Produk,Nama Varian 1,Pilihan Varian 1,Nama Varian 2,Pilihan Varian 2,Kode SKU,Harga,Stok\n\
                    K,Kaos Polos,Warna,Merah,Ukuran,M,K-MM,10000,1\n\
                    K,,Warna,Biru,Ukuran,L,K-BL,10000,1\n";
        let sheet = read(text.as_bytes()).unwrap();
        let problems = sheet.products[0].draft().unwrap_err();
        assert_eq!(problems[0].code, ErrorCode::VariantRowsIncomplete);
    }
}
