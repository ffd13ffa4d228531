//! Fitting text into a width with the face's real advance widths: wrapping
//! at spaces, breaking words that are wider than a line, truncating with "…"
//! and shrinking a line's size. Nothing a caller passes may run off a label.

use crate::fonts::Font;

const ELLIPSIS: char = '…';

/// `text` cut so that it and a trailing "…" fit in `max_mm`; unchanged when it
/// already fits.
pub(crate) fn truncate(font: &Font, size: f32, max_mm: f32, text: &str) -> String {
    let text = text.trim();
    if font.width_mm(text, size) <= max_mm {
        return text.to_string();
    }
    let budget = max_mm - font.char_width_mm(ELLIPSIS, size);
    let mut width = 0.0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        width += font.char_width_mm(c, size);
        if width > budget {
            break;
        }
        end = i + c.len_utf8();
    }
    let mut out = text[..end].trim_end().to_string();
    if budget > 0.0 {
        out.push(ELLIPSIS);
    }
    out
}

/// The largest size from `max_size` down to `min_size` (in half points) at
/// which `text` fits in `max_mm`; at `min_size` it is truncated if it still
/// does not. For values that must stay whole when they can (a resi, an order
/// number, a price).
pub(crate) fn shrink(
    font: &Font,
    max_size: f32,
    min_size: f32,
    max_mm: f32,
    text: &str,
) -> (f32, String) {
    let text = text.trim();
    let mut size = max_size;
    while size > min_size && font.width_mm(text, size) > max_mm {
        size = (size - 0.5).max(min_size);
    }
    (size, truncate(font, size, max_mm, text))
}

/// Greedy word wrap of one paragraph: all the lines it needs.
fn wrap_paragraph(font: &Font, size: f32, max_mm: f32, text: &str, out: &mut Vec<String>) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if font.width_mm(&candidate, size) <= max_mm {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        // A word wider than the line (a URL, a long house number chain) is
        // cut between characters rather than allowed to overflow.
        for c in word.chars() {
            if !line.is_empty() && font.width_mm(&line, size) + font.char_width_mm(c, size) > max_mm
            {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
}

/// Wraps each paragraph to `max_mm` and keeps at most `max_lines` lines; when
/// something is left out the last kept line ends in "…". Line breaks inside a
/// paragraph (a note typed on several lines) start new lines.
pub(crate) fn wrap<S: AsRef<str>>(
    font: &Font,
    size: f32,
    max_mm: f32,
    paragraphs: &[S],
    max_lines: usize,
) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in paragraphs {
        for part in paragraph.as_ref().lines() {
            wrap_paragraph(font, size, max_mm, part, &mut lines);
        }
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let marked = format!("{last}{ELLIPSIS}");
            *last = if font.width_mm(&marked, size) <= max_mm {
                marked
            } else {
                // Force the ellipsis by asking for a hair less than the width.
                truncate(font, size, font.width_mm(last, size) - 0.01, last)
            };
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::Fonts;

    #[test]
    fn truncation_fits_and_marks_the_cut() {
        let fonts = Fonts::new();
        let f = &fonts.regular;
        let long = "Jl. Raya Bogor KM 30 No. 123, Cimanggis, Depok";
        let cut = truncate(f, 9.0, 30.0, long);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(f.width_mm(&cut, 9.0) <= 30.0);
        assert_eq!(truncate(f, 9.0, 300.0, long), long);
    }

    #[test]
    fn wrapping_keeps_every_line_inside_and_limits_the_count() {
        let fonts = Fonts::new();
        let f = &fonts.regular;
        let para = ["Perumahan Griya Asri Blok C-12 ".repeat(10)];
        let all = wrap(f, 8.0, 40.0, &para, 100);
        assert!(all.len() > 3);
        assert!(all.iter().all(|l| f.width_mm(l, 8.0) <= 40.0));
        let three = wrap(f, 8.0, 40.0, &para, 3);
        assert_eq!(three.len(), 3);
        assert!(three[2].ends_with('…'));
        assert!(three.iter().all(|l| f.width_mm(l, 8.0) <= 40.0));
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken() {
        let fonts = Fonts::new();
        let f = &fonts.bold;
        let lines = wrap(
            f,
            10.0,
            20.0,
            &["https://etalase.id/lacak/JX1234567890ABCDEF"],
            10,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| f.width_mm(l, 10.0) <= 20.0));
        assert_eq!(
            lines.concat(),
            "https://etalase.id/lacak/JX1234567890ABCDEF"
        );
    }

    #[test]
    fn shrinking_stops_at_the_minimum() {
        let fonts = Fonts::new();
        let f = &fonts.bold;
        let (size, text) = shrink(f, 15.0, 9.0, 60.0, "002600112233");
        assert!((9.0..=15.0).contains(&size));
        assert_eq!(text, "002600112233");
        let (size, text) = shrink(f, 15.0, 9.0, 10.0, "002600112233");
        assert_eq!(size, 9.0);
        assert!(text.ends_with('…'));
    }
}
