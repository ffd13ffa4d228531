//! Renders a batch of 100 shipping labels with realistic data and prints how
//! long it took and how large the PDF is.
//!
//! Run: `cargo run --release -p etalase-labels --example batch [-- OUT_DIR]`
//! With OUT_DIR it also writes the batch and single sample sheets there
//! (label and slip on A6 and A5, and the longest inputs) to look at.

use std::time::Instant;

use etalase_labels::{Paper, Sheet, render};

#[path = "../tests/common/data.rs"]
mod data;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let captions = data::captions_id();
    let sheets = data::labels(100);

    // The first render pays for page faults and lazy statics; time the next.
    render(&sheets, Paper::A6, &captions, "warm-up")?;
    let runs = 5;
    let start = Instant::now();
    let mut bytes = Vec::new();
    for _ in 0..runs {
        bytes = render(&sheets, Paper::A6, &captions, "Label SiCepat 30 Nov 2026")?;
    }
    let each = start.elapsed() / runs;
    println!(
        "100 labels (A6): {each:.1?} per batch, {} bytes",
        bytes.len()
    );

    let one = render(&sheets[..1], Paper::A6, &captions, "1 label")?;
    println!("1 label (A6): {} bytes", one.len());

    let pairs: Vec<Sheet> = (0..50)
        .flat_map(|i| {
            let resi = format!("0026{:08}", 112233 + i);
            [
                Sheet::Label(data::label(i, &resi, i % 2 == 0)),
                Sheet::Slip(data::slip(i, 1 + i % 6)),
            ]
        })
        .collect();
    let start = Instant::now();
    let mixed = render(&pairs, Paper::A5, &captions, "50 label + slip pairs")?;
    println!(
        "50 label + slip pairs (A5): {:.1?}, {} bytes",
        start.elapsed(),
        mixed.len()
    );

    if let Some(dir) = std::env::args().nth(1) {
        let dir = std::path::Path::new(&dir);
        let label = Sheet::Label(data::label(1, "002600112233", true));
        let slip = Sheet::Slip(data::slip(1, 4));
        let samples = [
            ("batch.pdf", bytes),
            (
                "label-a6.pdf",
                render(std::slice::from_ref(&label), Paper::A6, &captions, "label")?,
            ),
            (
                "slip-a6.pdf",
                render(std::slice::from_ref(&slip), Paper::A6, &captions, "slip")?,
            ),
            (
                "label-a5.pdf",
                render(&[label], Paper::A5, &captions, "label")?,
            ),
            (
                "slip-a5.pdf",
                render(&[slip], Paper::A5, &captions, "slip")?,
            ),
            (
                "long-a6.pdf",
                render(
                    &[
                        Sheet::Label(data::unreasonable_label()),
                        Sheet::Slip(data::unreasonable_slip()),
                    ],
                    Paper::A6,
                    &data::captions_en(),
                    "long",
                )?,
            ),
        ];
        for (name, bytes) in samples {
            std::fs::write(dir.join(name), bytes)?;
        }
        println!("samples written to {}", dir.display());
    }
    Ok(())
}
