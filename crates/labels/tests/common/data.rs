//! Realistic orders, and deliberately unreasonable ones.

use etalase_labels::{Captions, LabelLine, PackingSlip, Party, Sheet, ShippingLabel, SlipLine};

pub fn captions_id() -> Captions {
    Captions {
        sender: "Pengirim".into(),
        recipient: "Penerima".into(),
        items: "Barang".into(),
        weight: "Berat".into(),
        cod: "COD — tagih".into(),
        non_cod: "Non-COD".into(),
        order: "No. Pesanan".into(),
        placed_on: "Dipesan".into(),
        packing_slip: "Daftar Isi Paket".into(),
        sku: "SKU".into(),
        quantity: "Jml".into(),
        price: "Harga".into(),
        subtotal: "Subtotal".into(),
        total: "Total".into(),
        note: "Catatan".into(),
        more_items: "+{n} barang lainnya".into(),
        resi: "Resi".into(),
        service: "Layanan".into(),
    }
}

pub fn captions_en() -> Captions {
    Captions {
        sender: "Sender".into(),
        recipient: "Recipient".into(),
        items: "Items".into(),
        weight: "Weight".into(),
        cod: "COD — collect".into(),
        non_cod: "Non-COD".into(),
        order: "Order".into(),
        placed_on: "Placed".into(),
        packing_slip: "Packing slip".into(),
        sku: "SKU".into(),
        quantity: "Qty".into(),
        price: "Price".into(),
        subtotal: "Subtotal".into(),
        total: "Total".into(),
        note: "Note".into(),
        more_items: "+{n} more".into(),
        resi: "AWB".into(),
        service: "Service".into(),
    }
}

pub fn shop() -> Party {
    Party {
        name: "Toko Batik Sekar Jagad".into(),
        phone: "0274-555-0192".into(),
        address: vec![
            "Jl. Malioboro No. 52".into(),
            "Sosromenduran, Gedong Tengen, Kota Yogyakarta, DIY 55271".into(),
        ],
    }
}

pub fn buyer() -> Party {
    Party {
        name: "Siti Nurhaliza Pratiwi".into(),
        phone: "0812-3456-7890".into(),
        address: vec![
            "Perumahan Griya Asri Blok C-12 No. 7, RT 003/RW 011".into(),
            "Kel. Cibubur, Kec. Ciracas, Jakarta Timur".into(),
            "DKI Jakarta 13720".into(),
        ],
    }
}

pub fn label(i: usize, resi: &str, cod: bool) -> ShippingLabel {
    ShippingLabel {
        order_id: format!("ord_01JH8Q6W0ZC3Y0N5T7KQJ4R{i:03}"),
        placed_on: "30 Nov 2026 14:05 WIB".into(),
        courier: "SiCepat".into(),
        service: "REG".into(),
        resi: resi.into(),
        sender: shop(),
        recipient: buyer(),
        lines: vec![
            LabelLine {
                name: "Kemeja Batik Parang Lengan Panjang".into(),
                variant: Some("Biru, L".into()),
                sku: "KBP-BR-L".into(),
                quantity: 2,
            },
            LabelLine {
                name: "Selendang Sutra Motif Kawung".into(),
                variant: None,
                sku: "SSK-01".into(),
                quantity: 1,
            },
        ],
        weight: "1,2 kg".into(),
        cod_to_collect: cod.then(|| "Rp1.250.000".to_string()),
        qr: format!("https://etalase.id/lacak/{resi}"),
        note: Some("Tolong dibungkus rapi, untuk kado ulang tahun ibu 🎁".into()),
    }
}

pub fn slip(i: usize, lines: usize) -> PackingSlip {
    PackingSlip {
        order_id: format!("ord_01JH8Q6W0ZC3Y0N5T7KQJ4R{i:03}"),
        placed_on: "30 Nov 2026 14:05 WIB".into(),
        shop_name: "Toko Batik Sekar Jagad".into(),
        recipient: buyer(),
        courier: "SiCepat".into(),
        service: "REG".into(),
        resi: Some("002600112233".into()),
        lines: (0..lines)
            .map(|n| SlipLine {
                name: format!("Kain Batik Tulis Motif {n}"),
                variant: (n % 2 == 0).then(|| "2 m".to_string()),
                sku: format!("KBT-{n:03}"),
                quantity: 1 + n as u32 % 3,
                unit_price: "Rp185.000".into(),
                subtotal: format!("Rp{}.000", 185 * (1 + n % 3)),
            })
            .collect(),
        total: "Rp1.295.000".into(),
        note: Some("Minta nota dimasukkan ke paket ya kak".into()),
    }
}

/// Everything as long as a careless shop or a creative buyer can make it.
pub fn unreasonable_label() -> ShippingLabel {
    let mut l = label(7, "JX1234567890", true);
    l.recipient.name = "Raden Ayu Siti Nurhaliza Kusumawardhani Prameswari Putri".into();
    assert!(l.recipient.name.chars().count() >= 55);
    l.recipient.name.push_str(" Jaya");
    l.recipient.address =
        vec!["Jalan Letnan Jenderal Soeprapto Gang Kelinci Putih Nomor 123A ".repeat(5)];
    assert!(l.recipient.address[0].len() >= 300);
    l.sender.name = "Toko Serba Ada Murah Meriah Sentosa Abadi Jaya Makmur Selamanya".into();
    l.sender.address = vec!["Ruko Mangga Dua Square Blok H No. 12 ".repeat(6)];
    l.courier = "J&T Express Cargo Ekonomi Antar Pulau".into();
    l.service = "SAME DAY PRIORITY".into();
    l.order_id = "ord_01JH8Q6W0ZC3Y0N5T7KQJ4R2MS_tambahan_panjang_sekali".into();
    l.weight = "1.234,5 kg (volumetrik)".into();
    l.cod_to_collect = Some("Rp123.456.789.000".into());
    l.lines = (0..40)
        .map(|n| LabelLine {
            name: format!("Produk dengan nama yang sangat panjang sekali nomor {n}"),
            variant: Some("Merah Marun / XXL / Katun Combed 30s".into()),
            sku: format!("SKU-PANJANG-SEKALI-{n:04}"),
            quantity: 100 + n as u32,
        })
        .collect();
    l.note = Some("Mohon dicek dulu sebelum dikirim. ".repeat(12));
    l
}

pub fn unreasonable_slip() -> PackingSlip {
    let mut s = slip(9, 40);
    s.shop_name = "Toko Serba Ada Murah Meriah Sentosa Abadi Jaya Makmur Selamanya".into();
    s.recipient = unreasonable_label().recipient;
    s.total = "Rp123.456.789.000".into();
    for l in &mut s.lines {
        l.name = "Produk dengan nama yang sangat panjang sekali ".repeat(2);
        l.unit_price = "Rp12.345.678.900".into();
        l.subtotal = "Rp123.456.789.000".into();
        l.quantity = 12_345;
    }
    s.note = Some("Mohon dicek dulu sebelum dikirim. ".repeat(12));
    s
}

pub fn labels(n: usize) -> Vec<Sheet> {
    (0..n)
        .map(|i| Sheet::Label(label(i, &format!("0026{:08}", 112233 + i), i % 3 == 0)))
        .collect()
}
