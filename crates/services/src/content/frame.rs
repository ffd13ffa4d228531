//! A cover for a video its seller has not chosen one for yet: a frame
//! taken from the video by ffmpeg, when the platform has it
//! ([`crate::ServiceConfig::ffmpeg`]). Optional, never required: without
//! ffmpeg, or when it fails, the video simply has no cover until the seller
//! sets one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use crate::Services;

/// How long ffmpeg may take to give one frame.
const DEADLINE: Duration = Duration::from_secs(20);

/// The `ffmpeg` program on `PATH`, if there is one.
pub fn find_ffmpeg() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("ffmpeg"))
        .find(|candidate| candidate.is_file())
}

/// A JPEG of the frame a second into the video at `key` (or at its middle,
/// for a shorter one); `None` without ffmpeg or when it could not.
pub(crate) async fn extract(svc: &Services, key: &str, duration_ms: u64) -> Option<Vec<u8>> {
    let ffmpeg = svc.config.ffmpeg.as_deref()?;
    match run(svc, ffmpeg, key, duration_ms).await {
        Ok(jpeg) => Some(jpeg),
        Err(why) => {
            tracing::warn!(key, %why, "no frame taken from the video for its cover");
            None
        }
    }
}

/// A file removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn run(
    svc: &Services,
    ffmpeg: &Path,
    key: &str,
    duration_ms: u64,
) -> Result<Vec<u8>, String> {
    // ffmpeg seeks in its input (an MP4 may keep its index at the end), so
    // it reads a file, copied from wherever the object store keeps it.
    let size = svc
        .objects
        .size(key)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the video is gone")?;
    let mut reader = svc
        .objects
        .read_range(key, 0, size)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the video is gone")?;
    let copy = TempFile(std::env::temp_dir().join(format!(
        "etalase-frame-{}.video",
        ulid::Ulid::new().to_string().to_lowercase()
    )));
    let mut file = tokio::fs::File::create(&copy.0)
        .await
        .map_err(|e| e.to_string())?;
    tokio::io::copy(&mut reader, &mut file)
        .await
        .map_err(|e| e.to_string())?;
    file.flush().await.map_err(|e| e.to_string())?;
    drop(file);
    let at_ms = (duration_ms / 2).min(1000);
    let run = tokio::process::Command::new(ffmpeg)
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-ss"])
        .arg(format!("{}.{:03}", at_ms / 1000, at_ms % 1000))
        .arg("-i")
        .arg(&copy.0)
        .args([
            "-frames:v",
            "1",
            "-an",
            "-f",
            "image2pipe",
            "-c:v",
            "mjpeg",
            "-q:v",
            "3",
            "pipe:1",
        ])
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(DEADLINE, run)
        .await
        .map_err(|_| "ffmpeg took too long".to_owned())?
        .map_err(|e| e.to_string())?;
    if !output.status.success() || output.stdout.is_empty() {
        return Err(format!(
            "ffmpeg: {} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}
