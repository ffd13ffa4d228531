//! Serving a large object with HTTP range requests (RFC 9110 §14): a video
//! player asks for the part it needs to seek, and gets exactly that part,
//! streamed from the object store.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;
use etalase_store::objects::{ObjectReader, ObjectStore};

use etalase_services::ServiceError;

use crate::errors::{AppError, AppResult};

/// Which bytes a request asks for, out of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Whole,
    /// `start..=end`, within the object.
    Part {
        start: u64,
        end: u64,
    },
    /// No byte of the range lies in the object (416).
    Unsatisfiable,
}

/// Reads a `Range` header. Anything but one well-formed byte range is
/// ignored and the whole object is sent, as the RFC allows.
pub fn wanted(range: Option<&str>, total: u64) -> Wanted {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Wanted::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let parsed = match (first.is_empty(), last.is_empty()) {
        // `bytes=-500`: the last 500 bytes.
        (true, false) => last
            .parse::<u64>()
            .ok()
            .map(|n| (total.saturating_sub(n), total.saturating_sub(1), n == 0)),
        (false, _) => first.parse::<u64>().ok().and_then(|start| {
            let end = if last.is_empty() {
                Some(total.saturating_sub(1))
            } else {
                last.parse::<u64>().ok().filter(|end| *end >= start)
            };
            end.map(|end| (start, end.min(total.saturating_sub(1)), start >= total))
        }),
        (true, true) => None,
    };
    match parsed {
        None => Wanted::Whole,
        Some((_, _, true)) => Wanted::Unsatisfiable,
        Some(_) if total == 0 => Wanted::Unsatisfiable,
        Some((start, end, false)) => Wanted::Part { start, end },
    }
}

/// The object under `key` (404 when there is none), whole or the part the
/// request's `Range` asks for, with `cache_control`.
pub async fn serve(
    objects: &ObjectStore,
    key: &str,
    content_type: &'static str,
    cache_control: &'static str,
    etag: &str,
    request: &HeaderMap,
) -> AppResult<Response> {
    let total = objects
        .size(key)
        .await
        .map_err(|e| AppError(ServiceError::internal(e)))?
        .ok_or(AppError::from(ErrorCode::NotFound))?;
    let quoted = format!("\"{etag}\"");
    // A range for another version of the object is answered whole.
    let range = match request.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) {
        Some(if_range) if if_range != quoted => None,
        _ => request.get(header::RANGE).and_then(|v| v.to_str().ok()),
    };
    let (status, start, len) = match wanted(range, total) {
        Wanted::Whole => (StatusCode::OK, 0, total),
        Wanted::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        Wanted::Unsatisfiable => {
            let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{total}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(response);
        }
    };
    let reader = objects
        .read_range(key, start, len)
        .await
        .map_err(|e| AppError(ServiceError::internal(e)))?
        .ok_or(AppError::from(ErrorCode::NotFound))?;
    let mut response = Response::new(Body::from_stream(chunks(reader)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&quoted) {
        headers.insert(header::ETAG, v);
    }
    if status == StatusCode::PARTIAL_CONTENT {
        let range = format!("bytes {start}-{}/{total}", start + len - 1);
        if let Ok(v) = HeaderValue::from_str(&range) {
            headers.insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(response)
}

/// The reader as a stream of 64 KiB chunks.
fn chunks(
    reader: ObjectReader,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> {
    futures_util::stream::unfold(reader, |mut reader| async move {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0u8; 64 * 1024];
        match reader.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok(axum::body::Bytes::from(buffer)), reader))
            }
            Err(e) => Some((Err(e), reader)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_the_rfc_says() {
        assert_eq!(wanted(None, 100), Wanted::Whole);
        assert_eq!(
            wanted(Some("bytes=0-"), 100),
            Wanted::Part { start: 0, end: 99 }
        );
        assert_eq!(
            wanted(Some("bytes=10-19"), 100),
            Wanted::Part { start: 10, end: 19 }
        );
        assert_eq!(
            wanted(Some("bytes=90-200"), 100),
            Wanted::Part { start: 90, end: 99 }
        );
        assert_eq!(
            wanted(Some("bytes=-10"), 100),
            Wanted::Part { start: 90, end: 99 }
        );
        assert_eq!(
            wanted(Some("bytes=-1000"), 100),
            Wanted::Part { start: 0, end: 99 }
        );
        assert_eq!(wanted(Some("bytes=100-"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 100), Wanted::Unsatisfiable);
        // Malformed or several ranges: the whole object.
        for ignored in [
            "bytes=5-1",
            "bytes=a-b",
            "items=0-1",
            "bytes=0-1,5-6",
            "bytes=-",
        ] {
            assert_eq!(wanted(Some(ignored), 100), Wanted::Whole, "{ignored}");
        }
    }
}
