//! Short videos: the Seller Center's pages (upload, caption and tags, the
//! "Konsistensi harga" panel, publish) and the Shop's (the video feed and a
//! video's page with its tagged products).

pub mod claims_text;
pub mod seller;
pub mod shop;

/// "0:42" or "2:05" for a duration in milliseconds.
pub fn duration_text(ms: i64) -> String {
    let seconds = (ms + 500) / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// "8 KB", "12.4 MB".
pub fn size_text(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(super::duration_text(42_000), "0:42");
        assert_eq!(super::duration_text(125_400), "2:05");
        assert_eq!(super::duration_text(180_000), "3:00");
    }
}
