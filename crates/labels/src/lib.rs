//! Shipping labels and packing slips as PDF.
//!
//! Pure computation: the caller hands over orders whose text is already
//! formatted and translated (prices, dates, captions), and gets the bytes of
//! one PDF back, one sheet per page. Nothing here reads files, clocks or
//! randomness, so the same input always gives the same bytes (callers may
//! cache by input, tests may compare outputs).
//!
//! Fonts (DejaVu Sans and Sans Bold) are compiled in, so a label prints the
//! same on every machine, and each is embedded once per document as a subset
//! of the glyphs that document uses.

mod barcode;
mod canvas;
mod document;
mod fonts;
mod label;
mod qr;
mod slip;
mod text;

/// The paper a batch is printed on. Both are portrait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// 100 × 150 mm: the common thermal label roll.
    #[default]
    A6,
    /// 148 × 210 mm: an office printer with A5 sheets (the A6 layout, scaled).
    A5,
}

impl Paper {
    /// Reads `"a6"` or `"a5"`, in any case.
    pub fn parse(s: &str) -> Option<Paper> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a6" => Some(Paper::A6),
            "a5" => Some(Paper::A5),
            _ => None,
        }
    }

    /// Width and height in millimetres.
    pub fn size_mm(self) -> (f32, f32) {
        match self {
            Paper::A6 => (100.0, 150.0),
            Paper::A5 => (148.0, 210.0),
        }
    }
}

/// A sender or a recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    pub phone: String,
    /// Address lines as the caller formats them; each is wrapped to the width.
    pub address: Vec<String>,
}

/// One item in a label's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelLine {
    pub name: String,
    pub variant: Option<String>,
    pub sku: String,
    pub quantity: u32,
}

/// What goes on the parcel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShippingLabel {
    pub order_id: String,
    pub placed_on: String,
    pub courier: String,
    pub service: String,
    /// The AWB: printed as a Code128 barcode and as large text.
    pub resi: String,
    pub sender: Party,
    pub recipient: Party,
    /// Shown while they fit, then "+N more" (`Captions::more_items`).
    pub lines: Vec<LabelLine>,
    pub weight: String,
    /// The amount the courier collects, already formatted ("Rp125.000").
    pub cod_to_collect: Option<String>,
    /// Encoded as the QR code (a tracking URL or the order id).
    pub qr: String,
    /// The buyer's note to the seller.
    pub note: Option<String>,
}

/// One item on a packing slip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlipLine {
    pub name: String,
    pub variant: Option<String>,
    pub sku: String,
    pub quantity: u32,
    pub unit_price: String,
    pub subtotal: String,
}

/// What goes inside the parcel: the list the packer checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackingSlip {
    pub order_id: String,
    pub placed_on: String,
    pub shop_name: String,
    pub recipient: Party,
    pub courier: String,
    pub service: String,
    pub resi: Option<String>,
    pub lines: Vec<SlipLine>,
    pub total: String,
    pub note: Option<String>,
}

/// One page of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sheet {
    Label(ShippingLabel),
    Slip(PackingSlip),
}

/// Every caption printed on a sheet, in the reader's language (the caller
/// passes Bahasa Indonesia or English).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captions {
    pub sender: String,
    pub recipient: String,
    pub items: String,
    pub weight: String,
    /// Put before the amount: "COD — tagih" + " Rp125.000".
    pub cod: String,
    pub non_cod: String,
    pub order: String,
    pub placed_on: String,
    pub packing_slip: String,
    pub sku: String,
    pub quantity: String,
    pub price: String,
    pub subtotal: String,
    pub total: String,
    pub note: String,
    /// Contains `{n}`: "+{n} barang lainnya".
    pub more_items: String,
    pub resi: String,
    pub service: String,
}

impl Captions {
    /// "+{n} more" with the count filled in.
    pub(crate) fn more(&self, n: usize) -> String {
        self.more_items.replace("{n}", &n.to_string())
    }
}

/// Why a batch could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    #[error("nothing to print: the batch has no sheets")]
    NoSheets,
    #[error("resi {resi:?} cannot be printed as a Code128 barcode: {reason}")]
    Resi { resi: String, reason: &'static str },
    #[error("QR payload of {len} bytes is too long to print legibly (at most {max} bytes)")]
    QrTooLong { len: usize, max: usize },
    #[error("PDF could not be written: {0}")]
    Pdf(String),
}

/// Renders the sheets, one per page and in order, into one PDF.
///
/// `title` goes into the document's metadata (viewers show it as the window
/// title). Fails on an empty batch, on a resi that Code128 cannot carry
/// (non-ASCII, or too long for the paper) and on an oversized QR payload;
/// nothing is half-written on failure.
pub fn render(
    sheets: &[Sheet],
    paper: Paper,
    captions: &Captions,
    title: &str,
) -> Result<Vec<u8>, LabelError> {
    if sheets.is_empty() {
        return Err(LabelError::NoSheets);
    }
    let frame = canvas::Frame::new(paper.size_mm());
    let mut fonts = fonts::Fonts::new();
    let mut pages = Vec::with_capacity(sheets.len());
    for sheet in sheets {
        let mut page = canvas::Canvas::new(frame, &mut fonts);
        match sheet {
            Sheet::Label(label) => label::draw(&mut page, label, captions)?,
            Sheet::Slip(slip) => slip::draw(&mut page, slip, captions),
        }
        pages.push(page.finish());
    }
    document::write(paper.size_mm(), &fonts, &pages, title)
}
