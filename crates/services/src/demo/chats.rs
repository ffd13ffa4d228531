//! The demo buyer's chat with the demo shop, for visitors of `serve
//! --demo`: a question about the black T-shirt answered within minutes, one
//! about shipping answered the next afternoon (too late for the response
//! rate), one about a gift wrap answered in an hour, and a last message ten
//! minutes ago that waits for the team (unread in Seller Center). The seller
//! card says "Chat dibalas 67%".

use etalase_domain::id::{SellerId, UserId};
use etalase_domain::messaging::Side;
use etalase_store::catalog;
use etalase_store::messaging::{self as store, NewMessage};

use crate::{ServiceResult, Services};

pub async fn load(
    svc: &Services,
    buyer: UserId,
    seller: SellerId,
    member: UserId,
) -> ServiceResult<()> {
    if store::conversation_id_between(&svc.store, seller, buyer)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let kaos = {
        let mut tx = svc.store.write().await?;
        let found = catalog::skus_by_code_in_tx(&mut tx, seller, "KAOS-H-M").await?;
        drop(tx); // a read only
        found.map(|s| s.product_id)
    };
    let now = svc.now();
    let minutes_ago = |m: i64| now.plus_seconds(-m * 60);
    let day = 24 * 60;
    let script: [(i64, Side, &str, bool); 8] = [
        (
            4 * day,
            Side::Buyer,
            "Kak, kaos hitam ukuran M masih ada?",
            true,
        ),
        (
            4 * day - 12,
            Side::Seller,
            "Masih ada kak, siap kirim hari ini.",
            false,
        ),
        (
            3 * day,
            Side::Buyer,
            "Kalau kirim ke Jakarta Barat berapa hari ya kak?",
            false,
        ),
        (
            2 * day - 14 * 60,
            Side::Seller,
            "Maaf baru balas kak. SiCepat REG 2–3 hari sampai.",
            false,
        ),
        (day, Side::Buyer, "Bisa dibungkus kado?", false),
        (
            day - 55,
            Side::Seller,
            "Bisa kak, tulis di catatan pesanan ya.",
            false,
        ),
        (12, Side::Buyer, "Oke kak, sudah saya order.", false),
        (10, Side::Buyer, "Ditunggu kirimannya 😊", false),
    ];
    let mut tx = svc.store.write().await?;
    let conversation =
        store::conversation_between(&mut tx, seller, buyer, minutes_ago(4 * day)).await?;
    for (ago, side, body, about_kaos) in script {
        let author = match side {
            Side::Buyer => buyer,
            Side::Seller => member,
        };
        let message = NewMessage {
            conversation,
            side,
            author,
            body,
            product: kaos.filter(|_| about_kaos),
        };
        store::append(&mut tx, &message, minutes_ago(ago)).await?;
    }
    tx.commit().await?;
    Ok(())
}
