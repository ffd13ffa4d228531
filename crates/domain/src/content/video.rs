//! Short videos: the limits an upload must meet, the caption, the products
//! a video tags, and the states a video moves through.

use serde::{Deserialize, Serialize};

use super::container::{ContainerError, VideoFacts};
use crate::ErrorCode;
use crate::id::ProductId;

/// How large and how long an uploaded video may be (platform settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoLimits {
    pub max_bytes: u64,
    pub max_duration_ms: u64,
}

impl VideoLimits {
    /// A short video of the feed: 100 MB, 3 minutes.
    pub const SHORT: VideoLimits = VideoLimits {
        max_bytes: 100 * 1024 * 1024,
        max_duration_ms: 3 * 60 * 1000,
    };
    /// A product video on its product page: 20 MB, 60 seconds.
    pub const PRODUCT: VideoLimits = VideoLimits {
        max_bytes: 20 * 1024 * 1024,
        max_duration_ms: 60 * 1000,
    };

    /// Whether a file of `bytes` may be kept (checked while it streams in,
    /// so a 2 GB upload is stopped at the limit, not at its end).
    pub fn admits_size(&self, bytes: u64) -> bool {
        bytes <= self.max_bytes
    }

    /// Whether what the container says fits the duration limit.
    pub fn check_duration(&self, facts: &VideoFacts) -> Result<(), ErrorCode> {
        if facts.duration_ms > self.max_duration_ms {
            Err(ErrorCode::VideoTooLong)
        } else {
            Ok(())
        }
    }
}

impl Default for VideoLimits {
    fn default() -> Self {
        VideoLimits::SHORT
    }
}

/// The message a seller gets for a file the container probe refused.
pub fn container_error_code(error: &ContainerError) -> ErrorCode {
    match error {
        ContainerError::Truncated => ErrorCode::VideoTruncated,
        ContainerError::UnsupportedCodec { .. } => ErrorCode::VideoCodecNotAccepted,
        ContainerError::Io(_) => ErrorCode::Internal,
        ContainerError::NotAVideo | ContainerError::NoVideoTrack | ContainerError::Malformed(_) => {
            ErrorCode::VideoNotAVideo
        }
    }
}

/// A caption: trimmed, at most 2,200 characters (what buyers' apps show),
/// no control characters but line breaks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Caption(String);

impl Caption {
    pub const MAX_CHARS: usize = 2200;

    pub fn parse(text: &str) -> Result<Caption, ErrorCode> {
        let cleaned: String = text
            .replace("\r\n", "\n")
            .chars()
            .filter(|c| *c == '\n' || !c.is_control())
            .collect();
        let cleaned = cleaned.trim();
        if cleaned.chars().count() > Self::MAX_CHARS {
            return Err(ErrorCode::CaptionTooLong);
        }
        Ok(Caption(cleaned.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its hashtags, lower-cased, each once, in order (`#BatikSolo` →
    /// `batiksolo`).
    pub fn hashtags(&self) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for (at, _) in self.0.match_indices('#') {
            let tag: String = self.0[at + 1..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .flat_map(char::to_lowercase)
                .collect();
            if !tag.is_empty() && !found.contains(&tag) {
                found.push(tag);
            }
        }
        found
    }
}

/// The products a video tags, each once, in the seller's order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductTags(Vec<ProductId>);

impl ProductTags {
    pub const MAX: usize = 6;

    /// Keeps the first of repeated products; more than six is refused.
    pub fn parse(products: impl IntoIterator<Item = ProductId>) -> Result<ProductTags, ErrorCode> {
        let mut tags: Vec<ProductId> = Vec::new();
        for product in products {
            if !tags.contains(&product) {
                tags.push(product);
            }
        }
        if tags.len() > Self::MAX {
            return Err(ErrorCode::VideoTooManyTags);
        }
        Ok(ProductTags(tags))
    }

    pub fn as_slice(&self) -> &[ProductId] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Where a video stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoState {
    /// Uploaded, being prepared; only its team sees it.
    Draft,
    /// In the Shop: the video feed, its page, its products' and shop's pages.
    Published,
    /// Taken out of the Shop by its seller; can be published again.
    Hidden,
}

impl VideoState {
    pub fn as_str(self) -> &'static str {
        match self {
            VideoState::Draft => "draft",
            VideoState::Published => "published",
            VideoState::Hidden => "hidden",
        }
    }

    pub fn parse(text: &str) -> Option<VideoState> {
        match text {
            "draft" => Some(VideoState::Draft),
            "published" => Some(VideoState::Published),
            "hidden" => Some(VideoState::Hidden),
            _ => None,
        }
    }

    /// Publishing needs at least one tagged product: a video in the Shop
    /// always leads to something a buyer can buy.
    pub fn publish(self, tags: &ProductTags) -> Result<VideoState, ErrorCode> {
        match self {
            VideoState::Published => Err(ErrorCode::IllegalTransition),
            _ if tags.is_empty() => Err(ErrorCode::VideoTagRequired),
            _ => Ok(VideoState::Published),
        }
    }

    pub fn hide(self) -> Result<VideoState, ErrorCode> {
        match self {
            VideoState::Published => Ok(VideoState::Hidden),
            _ => Err(ErrorCode::IllegalTransition),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn products(n: usize) -> Vec<ProductId> {
        (0..n).map(|_| ProductId::generate()).collect()
    }

    #[test]
    fn tags_are_one_to_six_distinct_products() {
        let p = products(7);
        let tags = ProductTags::parse([p[0], p[1], p[0]]).unwrap();
        assert_eq!(tags.as_slice(), &[p[0], p[1]]);
        assert!(ProductTags::parse(p[..6].to_vec()).is_ok());
        assert_eq!(
            ProductTags::parse(p.clone()),
            Err(ErrorCode::VideoTooManyTags)
        );
    }

    #[test]
    fn a_video_is_published_only_with_a_tag_and_hidden_only_when_published() {
        let none = ProductTags::default();
        let one = ProductTags::parse(products(1)).unwrap();
        assert_eq!(
            VideoState::Draft.publish(&none),
            Err(ErrorCode::VideoTagRequired)
        );
        assert_eq!(VideoState::Draft.publish(&one), Ok(VideoState::Published));
        assert_eq!(VideoState::Hidden.publish(&one), Ok(VideoState::Published));
        assert_eq!(
            VideoState::Published.publish(&one),
            Err(ErrorCode::IllegalTransition)
        );
        assert_eq!(VideoState::Published.hide(), Ok(VideoState::Hidden));
        assert_eq!(VideoState::Draft.hide(), Err(ErrorCode::IllegalTransition));
        for state in [VideoState::Draft, VideoState::Published, VideoState::Hidden] {
            assert_eq!(VideoState::parse(state.as_str()), Some(state));
        }
    }

    #[test]
    fn captions_are_trimmed_bounded_and_know_their_hashtags() {
        let caption =
            Caption::parse("  Kemeja #BatikSolo cuma 99rb\r\n#ootd #batiksolo \u{7}").unwrap();
        assert_eq!(
            caption.as_str(),
            "Kemeja #BatikSolo cuma 99rb\n#ootd #batiksolo"
        );
        assert_eq!(caption.hashtags(), ["batiksolo", "ootd"]);
        assert_eq!(
            Caption::parse(&"a".repeat(2201)),
            Err(ErrorCode::CaptionTooLong)
        );
        assert!(Caption::parse(&"é".repeat(2200)).is_ok());
    }

    #[test]
    fn the_size_limit_is_checked_while_the_file_arrives() {
        assert!(VideoLimits::SHORT.admits_size(100 * 1024 * 1024));
        assert!(!VideoLimits::SHORT.admits_size(100 * 1024 * 1024 + 1));
        assert!(!VideoLimits::PRODUCT.admits_size(21 * 1024 * 1024));
    }
}
