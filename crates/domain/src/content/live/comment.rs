//! Viewers' comments on a live: what a comment may say, and where it
//! stands after the word list, a mute or the seller had their say.

use serde::{Deserialize, Serialize};

use super::one_line;
use super::words::BlockedWords;
use crate::ErrorCode;

/// A comment: one line of 1 to 200 characters (see the module root for
/// what "one line" means: whitespace runs collapsed, control characters
/// and bidi overrides refused).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommentText(String);

impl CommentText {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(text: &str) -> Result<CommentText, ErrorCode> {
        let line = one_line(text).ok_or(ErrorCode::CommentInvalid)?;
        if line.is_empty() {
            return Err(ErrorCode::CommentEmpty);
        }
        if line.chars().count() > Self::MAX_CHARS {
            return Err(ErrorCode::CommentTooLong);
        }
        Ok(CommentText(line))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CommentText {
    type Error = ErrorCode;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        CommentText::parse(&text)
    }
}

impl From<CommentText> for String {
    fn from(text: CommentText) -> String {
        text.0
    }
}

/// The name shown beside a viewer's comments: one line of 2 to 30
/// characters (a chat of nameless lines cannot be followed, and a long
/// name pushes the comment off a phone's screen).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommentAuthor(String);

impl CommentAuthor {
    pub const MIN_CHARS: usize = 2;
    pub const MAX_CHARS: usize = 30;

    pub fn parse(text: &str) -> Result<CommentAuthor, ErrorCode> {
        let line = one_line(text).ok_or(ErrorCode::CommentAuthorRequired)?;
        let chars = line.chars().count();
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&chars) {
            return Err(ErrorCode::CommentAuthorRequired);
        }
        Ok(CommentAuthor(line))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CommentAuthor {
    type Error = ErrorCode;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        CommentAuthor::parse(&text)
    }
}

impl From<CommentAuthor> for String {
    fn from(author: CommentAuthor) -> String {
        author.0
    }
}

/// Where a comment stands. A hidden comment is kept, not dropped: its
/// author still sees it (so a spammer is not told to try other words or
/// another account), and the seller's and the platform's moderation views
/// show it, so a wrongly hidden one can be shown and an accusation of
/// fraud ("penipu") reaches the platform even when the seller's viewers
/// do not see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Shown,
    /// It has a blocked word or phrase.
    HiddenByWords,
    /// Its author was muted on this live by the seller.
    HiddenAuthorMuted,
    /// Deleted by the seller: nobody sees it, its author neither.
    DeletedBySeller,
}

impl Moderation {
    pub const ALL: [Moderation; 4] = [
        Moderation::Shown,
        Moderation::HiddenByWords,
        Moderation::HiddenAuthorMuted,
        Moderation::DeletedBySeller,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Shown => "shown",
            Moderation::HiddenByWords => "hidden_by_words",
            Moderation::HiddenAuthorMuted => "hidden_author_muted",
            Moderation::DeletedBySeller => "deleted_by_seller",
        }
    }

    pub fn parse(text: &str) -> Option<Moderation> {
        Moderation::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// How a new comment starts. A muted author's comment is hidden whatever
    /// it says; the mute is the seller's decision about the person.
    pub fn of_new(text: &CommentText, words: &BlockedWords, author_muted: bool) -> Moderation {
        if author_muted {
            Moderation::HiddenAuthorMuted
        } else if words.hides(text.as_str()) {
            Moderation::HiddenByWords
        } else {
            Moderation::Shown
        }
    }

    /// The seller deletes a comment, shown or hidden.
    pub fn delete(self) -> Result<Moderation, ErrorCode> {
        match self {
            Moderation::DeletedBySeller => Err(ErrorCode::IllegalTransition),
            _ => Ok(Moderation::DeletedBySeller),
        }
    }

    /// The seller shows a comment the word list hid wrongly (`anjing` on a
    /// pet shop's live). A muted author's comment stays hidden until the
    /// mute is lifted, and a deleted one is gone.
    pub fn show(self) -> Result<Moderation, ErrorCode> {
        match self {
            Moderation::HiddenByWords => Ok(Moderation::Shown),
            _ => Err(ErrorCode::IllegalTransition),
        }
    }

    /// Whether a viewer sees the comment in the live's chat.
    pub fn visible_to(self, viewer_is_author: bool) -> bool {
        match self {
            Moderation::Shown => true,
            Moderation::HiddenByWords | Moderation::HiddenAuthorMuted => viewer_is_author,
            Moderation::DeletedBySeller => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn an_author_is_one_line_of_two_to_thirty_characters() {
        assert_eq!(
            CommentAuthor::parse("  Rina   S ").unwrap().as_str(),
            "Rina S"
        );
        assert_eq!(
            CommentAuthor::parse("R"),
            Err(ErrorCode::CommentAuthorRequired)
        );
        assert_eq!(
            CommentAuthor::parse(&"a".repeat(31)),
            Err(ErrorCode::CommentAuthorRequired)
        );
        assert_eq!(
            CommentAuthor::parse("Ri\u{202E}na"),
            Err(ErrorCode::CommentAuthorRequired)
        );
        assert!(CommentAuthor::parse(&"🔥".repeat(30)).is_ok());
    }

    #[test]
    fn a_comment_is_one_trimmed_line_of_one_to_two_hundred_characters() {
        let c = CommentText::parse("  mau   yang\tmerah\r\nkak  ").unwrap();
        assert_eq!(c.as_str(), "mau yang merah kak");
        assert_eq!(
            CommentText::parse(" \u{3000}\u{a0} \n"),
            Err(ErrorCode::CommentEmpty)
        );
        assert_eq!(CommentText::parse(""), Err(ErrorCode::CommentEmpty));
        assert!(CommentText::parse("🔥").is_ok());
        assert!(CommentText::parse(&"🔥".repeat(200)).is_ok());
        assert!(CommentText::parse(&"🔥".repeat(201)).is_err());
        assert!(CommentText::parse(&format!("  {}  ", "é".repeat(200))).is_ok());
        assert!(
            CommentText::parse(&"a ".repeat(100)).is_ok(),
            "199 after trim"
        );
        assert!(
            CommentText::parse(&"a  ".repeat(101)).is_err(),
            "201 after collapse"
        );
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_refused() {
        for text in [
            "halo\u{0}",
            "ha\u{7}lo",
            "\u{1b}[31mmerah",
            "harga \u{202E}000.01",
        ] {
            assert_eq!(
                CommentText::parse(text),
                Err(ErrorCode::CommentInvalid),
                "{text:?}"
            );
        }
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(CommentText::parse(family).unwrap().as_str(), family);
    }

    #[test]
    fn a_new_comment_is_shown_hidden_by_words_or_hidden_by_a_mute() {
        let words = BlockedWords::default();
        let fine = CommentText::parse("kak, ready ukuran XL?").unwrap();
        let rude = CommentText::parse("dasar b0doh").unwrap();
        assert_eq!(Moderation::of_new(&fine, &words, false), Moderation::Shown);
        assert_eq!(
            Moderation::of_new(&rude, &words, false),
            Moderation::HiddenByWords
        );
        assert_eq!(
            Moderation::of_new(&fine, &words, true),
            Moderation::HiddenAuthorMuted
        );
    }

    #[test]
    fn the_seller_deletes_anything_once_and_shows_only_what_words_hid() {
        use Moderation::*;
        for m in [Shown, HiddenByWords, HiddenAuthorMuted] {
            assert_eq!(m.delete(), Ok(DeletedBySeller));
        }
        assert_eq!(DeletedBySeller.delete(), Err(ErrorCode::IllegalTransition));
        assert_eq!(HiddenByWords.show(), Ok(Shown));
        for m in [Shown, HiddenAuthorMuted, DeletedBySeller] {
            assert_eq!(m.show(), Err(ErrorCode::IllegalTransition));
        }
        assert!(Shown.visible_to(false));
        assert!(HiddenByWords.visible_to(true) && !HiddenByWords.visible_to(false));
        assert!(HiddenAuthorMuted.visible_to(true) && !HiddenAuthorMuted.visible_to(false));
        assert!(!DeletedBySeller.visible_to(true));
        for m in Moderation::ALL {
            assert_eq!(Moderation::parse(m.as_str()), Some(m));
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_what_it_keeps_is_clean(text in any::<String>()) {
            if let Ok(c) = CommentText::parse(&text) {
                let s = c.as_str();
                prop_assert!((1..=CommentText::MAX_CHARS).contains(&s.chars().count()));
                prop_assert!(!s.chars().any(|c| c.is_control()));
                prop_assert!(!s.contains("  ") && s.trim() == s);
                prop_assert_eq!(CommentText::parse(s), Ok(c.clone()));
            }
        }
    }
}
