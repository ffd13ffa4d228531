//! Buyer–seller chat pages: the buyer's inbox and conversations in the Shop
//! (`/chat`), the shop team's in Seller Center (`/seller/chat`). Both show a
//! conversation the same way, from the reader's side.

pub mod buyer;
pub mod seller;

use etalase_domain::id::ConversationId;
use etalase_domain::messaging::{MAX_MESSAGE_CHARS, ResponseRate, Side};
use etalase_services::messaging::InboxCursor;
use etalase_store::messaging::{Conversation, Message};

use crate::i18n::T;

/// The longest message, for the composer's `maxlength`.
pub const MAX_CHARS: usize = MAX_MESSAGE_CHARS;

/// One message as a thread shows it.
pub struct MessageView {
    /// Written by the reader's side (shown on the right).
    pub mine: bool,
    pub side: &'static str,
    pub author: String,
    pub body: String,
    pub at: String,
    /// The product it is about: its page and title, while in the Shop.
    pub product: Option<(String, String)>,
}

pub fn message_views(t: &T, messages: &[Message], reader: Side) -> Vec<MessageView> {
    messages
        .iter()
        .map(|m| MessageView {
            mine: m.side == reader,
            side: m.side.as_str(),
            author: m.author_name.clone(),
            body: m.body.clone(),
            at: t.time(&m.created_at),
            product: m.product.as_ref().and_then(|(id, listed)| {
                listed
                    .as_ref()
                    .map(|(slug, title)| (format!("/p/{slug}-{id}"), title.clone()))
            }),
        })
        .collect()
}

/// One conversation as an inbox lists it, from the reader's side.
pub struct InboxRow {
    pub id: String,
    /// The other party: the shop for a buyer, the buyer for the shop.
    pub with: String,
    pub last: String,
    pub last_mine: bool,
    pub at: String,
    pub unread: i64,
}

pub fn inbox_rows(t: &T, conversations: &[Conversation], reader: Side) -> Vec<InboxRow> {
    conversations
        .iter()
        .map(|c| InboxRow {
            id: c.id.to_string(),
            with: match reader {
                Side::Buyer => c.shop_name.clone(),
                Side::Seller => c.buyer_name.clone(),
            },
            last: preview(&c.last_body),
            last_mine: c.last_side == reader,
            at: t.time(&c.last_at),
            unread: match reader {
                Side::Buyer => c.buyer_unread,
                Side::Seller => c.seller_unread,
            },
        })
        .collect()
}

/// The start of a message, for a list.
fn preview(body: &str) -> String {
    const SHOWN: usize = 80;
    let line = body.lines().next().unwrap_or_default();
    if body.chars().count() > SHOWN || line.len() < body.len() {
        let cut: String = line.chars().take(SHOWN).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_owned()
    }
}

/// A full inbox page's link to the next, after its last conversation.
pub fn next_page(base: &str, page: &[Conversation], full: i64) -> Option<String> {
    let last = page.last().filter(|_| page.len() as i64 == full)?;
    let joiner = if base.contains('?') { '&' } else { '?' };
    Some(format!(
        "{base}{joiner}before={}.{}",
        last.last_at.unix_millis(),
        last.id
    ))
}

/// The `before` of an inbox page's address (`<millis>.<conversation id>`);
/// a malformed one starts from the top.
pub fn cursor(text: Option<&str>) -> Option<InboxCursor> {
    let (at, id) = text?.split_once('.')?;
    let at: i64 = at.parse().ok()?;
    let id: ConversationId = id.parse().ok()?;
    Some((etalase_domain::Timestamp::from_unix_millis(at), id))
}

/// A response rate in the reader's words ("Chat dibalas 95%"); none before
/// any question was counted.
pub fn rate_label(t: &T, rate: ResponseRate) -> Option<String> {
    rate.percent()
        .map(|p| t.tf1("chat.response_rate", &p.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_is_the_first_line_cut_short() {
        assert_eq!(preview("Halo kak"), "Halo kak");
        assert_eq!(preview("Halo\nmasih ada?"), "Halo…");
        let long = "a".repeat(100);
        assert_eq!(preview(&long), format!("{}…", "a".repeat(80)));
    }

    #[test]
    fn a_cursor_reads_back_or_starts_over() {
        let id = ConversationId::generate();
        let parsed = cursor(Some(&format!("1700000000000.{id}")));
        assert_eq!(
            parsed,
            Some((
                etalase_domain::Timestamp::from_unix_millis(1_700_000_000_000),
                id
            ))
        );
        assert_eq!(cursor(Some("x.y")), None);
        assert_eq!(cursor(Some("1700000000000")), None);
        assert_eq!(cursor(None), None);
    }
}
