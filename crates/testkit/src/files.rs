//! Files for upload tests: a good product photo, and hostile files.

/// A product photo as sellers should take it: a sharp pattern on a white
/// background, `side` × `side` pixels, as PNG.
pub fn product_photo(side: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(side, side, |x, y| {
        let inside = x > side / 5 && x < side * 4 / 5 && y > side / 5 && y < side * 4 / 5;
        if inside && (x / 7 + y / 11) % 2 == 0 {
            image::Rgb([30, 60, 120])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("a PNG encodes into memory");
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny, well-formed PNG whose header claims `width` × `height` pixels (a
/// "pixel flood": decoding it would need gigabytes).
pub fn pixel_flood_png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    let empty_deflate: &[u8] = &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];
    for (kind, data) in [(b"IDAT", empty_deflate), (b"IEND", &[][..])] {
        let mut chunk = kind.to_vec();
        chunk.extend(data);
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(&chunk);
        png.extend(crc32(&chunk).to_be_bytes());
    }
    png
}
