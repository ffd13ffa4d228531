//! The buyer's receipt, queued in the transaction that records the
//! payment (so it exists exactly when the payment does): Bahasa Indonesia
//! first, then English, like every mail of the platform.

use etalase_domain::{Lang, Money, Timestamp};
use etalase_store::checkout::StoredOrder;
use etalase_store::payments::{self as store, StoredPayment};
use etalase_store::{Tx, sellers};

use crate::mail::OutgoingMail;
use crate::{ServiceResult, Services};

/// How a channel is called on receipts and pages.
pub fn channel_name(channel: &str) -> String {
    match channel {
        "bca_va" => "BCA Virtual Account".into(),
        "bni_va" => "BNI Virtual Account".into(),
        "bri_va" => "BRI Virtual Account".into(),
        "permata_va" => "Permata Virtual Account".into(),
        "mandiri_bill" => "Mandiri Bill Payment".into(),
        "qris" => "QRIS".into(),
        "gopay" => "GoPay".into(),
        "shopeepay" => "ShopeePay".into(),
        "credit_card" => "Kartu kredit / Credit card".into(),
        other => other.to_owned(),
    }
}

/// Queues the receipt of a paid payment: the orders it paid, and what goes
/// back when some (or all) of them had been cancelled. Returns whether a
/// mail was queued (none for a buyer without an address on record).
pub(crate) async fn queue(
    tx: &mut Tx,
    svc: &Services,
    payment: &StoredPayment,
    paid_orders: &[StoredOrder],
    channel: Option<&str>,
    refund: Option<i64>,
    now: Timestamp,
) -> ServiceResult<bool> {
    let Some((_, email)) = store::buyer_contact(&mut *tx, payment.buyer).await? else {
        return Ok(false);
    };
    let mut lines = Vec::with_capacity(paid_orders.len());
    for order in paid_orders {
        let shop = sellers::get_seller(&svc.store, order.seller).await?;
        lines.push((order.id.to_string(), shop.name, order.total));
    }
    let mail = compose(
        &email,
        &Receipt {
            payment: &payment.id.to_string(),
            amount: payment.amount,
            paid_at: now,
            channel: channel.map(channel_name),
            orders: &lines,
            refund,
            link: &format!(
                "{}/checkout/{}/paid",
                svc.config.public_url.trim_end_matches('/'),
                payment.checkout
            ),
        },
    );
    crate::mail::queue(tx, &mail, now).await?;
    Ok(true)
}

struct Receipt<'a> {
    payment: &'a str,
    amount: i64,
    paid_at: Timestamp,
    channel: Option<String>,
    /// Order id, shop name, total.
    orders: &'a [(String, String, i64)],
    refund: Option<i64>,
    link: &'a str,
}

fn compose(to: &str, r: &Receipt<'_>) -> OutgoingMail {
    let rp = |amount: i64, lang: Lang| Money::idr(amount).format(lang);
    let orders = |lang: Lang| -> String {
        r.orders
            .iter()
            .map(|(id, shop, total)| format!("- {id} ({shop}): {}\n", rp(*total, lang)))
            .collect()
    };
    let via_id = r
        .channel
        .as_ref()
        .map(|c| format!(" melalui {c}"))
        .unwrap_or_default();
    let via_en = r
        .channel
        .as_ref()
        .map(|c| format!(" via {c}"))
        .unwrap_or_default();
    let (subject, mut id, mut en) = if r.orders.is_empty() {
        (
            "Pembayaran diterima setelah pesanan dibatalkan / Payment received after your order was cancelled"
                .to_owned(),
            format!(
                "Pembayaran Anda sebesar {}{via_id} kami terima pada {}, tetapi pesanannya sudah dibatalkan karena melewati batas waktu pembayaran.\n",
                rp(r.amount, Lang::Id),
                r.paid_at.format_wib(Lang::Id)
            ),
            format!(
                "We received your payment of {}{via_en} on {}, but its orders had already been cancelled because the payment deadline had passed.\n",
                rp(r.amount, Lang::En),
                r.paid_at.format_wib(Lang::En)
            ),
        )
    } else {
        (
            format!(
                "Pembayaran diterima: {} / Payment received: {}",
                rp(r.amount, Lang::Id),
                rp(r.amount, Lang::En)
            ),
            format!(
                "Terima kasih! Pembayaran Anda sebesar {}{via_id} sudah kami terima pada {}.\nPesanan yang dibayar (penjual kini menyiapkan pengirimannya):\n{}",
                rp(r.amount, Lang::Id),
                r.paid_at.format_wib(Lang::Id),
                orders(Lang::Id)
            ),
            format!(
                "Thank you! We received your payment of {}{via_en} on {}.\nOrders paid (the sellers now prepare their shipment):\n{}",
                rp(r.amount, Lang::En),
                r.paid_at.format_wib(Lang::En),
                orders(Lang::En)
            ),
        )
    };
    if let Some(refund) = r.refund {
        id.push_str(&format!(
            "Dana sebesar {} dikembalikan ke metode pembayaran Anda; bila metode itu tidak mendukung pengembalian otomatis (virtual account), tim kami menghubungi Anda untuk mentransfernya.\n",
            rp(refund, Lang::Id)
        ));
        en.push_str(&format!(
            "{} goes back to your payment method; when that method cannot refund automatically (a virtual account), our team contacts you to transfer it.\n",
            rp(refund, Lang::En)
        ));
    }
    let body = format!(
        "{id}Nomor pembayaran: {payment}\nLihat rinciannya: {link}\n\n{en}Payment number: {payment}\nSee the details: {link}\n",
        payment = r.payment,
        link = r.link,
    );
    OutgoingMail {
        to: to.to_owned(),
        subject,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_says_it_in_both_languages_with_amounts_and_orders() {
        let orders = vec![("ord_1".to_owned(), "Batik Sari".to_owned(), 150_000)];
        let mail = compose(
            "pembeli@contoh.id",
            &Receipt {
                payment: "pay_1",
                amount: 150_000,
                paid_at: Timestamp::from_unix_millis(1_767_225_600_000),
                channel: Some(channel_name("bca_va")),
                orders: &orders,
                refund: None,
                link: "http://etalase.test/checkout/chk_1/paid",
            },
        );
        assert!(mail.subject.contains("Rp150.000"), "{}", mail.subject);
        assert!(mail.subject.contains("IDR 150,000"), "{}", mail.subject);
        assert!(mail.body.contains("melalui BCA Virtual Account"));
        assert!(mail.body.contains("via BCA Virtual Account"));
        assert!(mail.body.contains("- ord_1 (Batik Sari): Rp150.000"));
        assert!(
            mail.body.contains("pada 1 Jan 2026 07.00 WIB"),
            "{}",
            mail.body
        );
        assert!(
            mail.body.contains("on 1 Jan 2026 07:00 WIB"),
            "{}",
            mail.body
        );
        assert!(mail.body.find("Terima kasih") < mail.body.find("Thank you"));
        assert!(!mail.body.contains("dikembalikan"));
    }

    #[test]
    fn a_payment_after_cancellation_says_the_money_goes_back() {
        let mail = compose(
            "pembeli@contoh.id",
            &Receipt {
                payment: "pay_1",
                amount: 150_000,
                paid_at: Timestamp::from_unix_millis(1_767_225_600_000),
                channel: None,
                orders: &[],
                refund: Some(150_000),
                link: "http://etalase.test/checkout/chk_1/paid",
            },
        );
        assert!(mail.subject.contains("dibatalkan"));
        assert!(mail.body.contains("Dana sebesar Rp150.000 dikembalikan"));
        assert!(mail.body.contains("IDR 150,000 goes back"));
    }
}
