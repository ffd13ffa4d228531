//! Reading the codes back off the page, independently of the encoders: a
//! Code128 decoder with its own symbol table, and the QR code rasterised and
//! handed to `rqrr`.

use super::pdf::Rect;

/// Code128 symbols 0–105 as bar/space widths (ISO/IEC 15417 table 1); the
/// stop symbol (106) has seven elements.
pub const PATTERNS: [&str; 106] = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232",
];
pub const STOP: &str = "2331112";

/// Bars (x, width) → element widths in modules, starting with a bar. Fails
/// if an edge is off the module grid by more than a tenth of a module.
pub fn elements(bars: &[&Rect]) -> (Vec<usize>, f32) {
    let mut bars: Vec<(f32, f32)> = bars.iter().map(|r| (r.x, r.w)).collect();
    bars.sort_by(|a, b| a.0.total_cmp(&b.0));
    let module = bars.iter().map(|b| b.1).fold(f32::MAX, f32::min);
    let modules = |len: f32| {
        let n = len / module;
        assert!(
            (n - n.round()).abs() < 0.1,
            "{len} pt is not a whole number of {module} pt modules"
        );
        n.round() as usize
    };
    let mut out = Vec::new();
    for (i, &(x, w)) in bars.iter().enumerate() {
        if i > 0 {
            let (px, pw) = bars[i - 1];
            out.push(modules(x - (px + pw)));
        }
        out.push(modules(w));
    }
    (out, module)
}

/// Decodes Code128 from element widths: start code, code set switches,
/// checksum and stop verified.
pub fn decode_code128(elements: &[usize]) -> Result<String, String> {
    let text: String = elements
        .iter()
        .map(|e| char::from(b'0' + *e as u8))
        .collect();
    if text.len() < 6 * 3 + 7 || !(text.len() - 7).is_multiple_of(6) {
        return Err(format!("{} elements do not make whole symbols", text.len()));
    }
    let (body, stop) = text.split_at(text.len() - 7);
    if stop != STOP {
        return Err(format!("no stop pattern: {stop}"));
    }
    let values: Vec<usize> = body
        .as_bytes()
        .chunks(6)
        .map(|c| {
            let c = std::str::from_utf8(c).unwrap();
            PATTERNS
                .iter()
                .position(|p| *p == c)
                .ok_or(format!("unknown symbol {c}"))
        })
        .collect::<Result<_, _>>()?;
    let (data, check) = values.split_at(values.len() - 1);
    let sum: usize = data.iter().enumerate().map(|(i, v)| v * i.max(1)).sum();
    if sum % 103 != check[0] {
        return Err(format!("checksum {} ≠ {}", sum % 103, check[0]));
    }
    let mut set = match data[0] {
        103 => 'A',
        104 => 'B',
        105 => 'C',
        v => return Err(format!("{v} is not a start code")),
    };
    let mut out = String::new();
    for &v in &data[1..] {
        match (set, v) {
            ('C', 0..=99) => out.push_str(&format!("{v:02}")),
            ('A' | 'B', 99) => set = 'C',
            ('A' | 'C', 100) => set = 'B',
            ('B' | 'C', 101) => set = 'A',
            ('A', 0..=63) | ('B', 0..=95) => out.push(char::from(v as u8 + 32)),
            ('A', 64..=95) => out.push(char::from(v as u8 - 64)),
            (s, v) => return Err(format!("symbol {v} unsupported in set {s}")),
        }
    }
    Ok(out)
}

/// The QR code's module grid (row by row, true = dark), rebuilt from its
/// dark runs: (side, modules).
pub fn qr_grid(rects: &[&Rect]) -> (usize, Vec<bool>) {
    let module = rects.iter().map(|r| r.h).fold(f32::MAX, f32::min);
    let min_x = rects.iter().map(|r| r.x).fold(f32::MAX, f32::min);
    let max_y = rects.iter().map(|r| r.y + r.h).fold(f32::MIN, f32::max);
    let right = rects.iter().map(|r| r.x + r.w).fold(f32::MIN, f32::max);
    let n = ((right - min_x) / module).round() as usize;
    let mut grid = vec![false; n * n];
    for r in rects {
        // PDF y grows upwards; row 0 is the top.
        let row = ((max_y - (r.y + r.h)) / module).round() as usize;
        let col = ((r.x - min_x) / module).round() as usize;
        let len = (r.w / module).round() as usize;
        assert!(
            (r.h / module - 1.0).abs() < 0.01,
            "a QR run is one module tall"
        );
        for c in col..col + len {
            grid[row * n + c] = true;
        }
    }
    (n, grid)
}

/// The grid rasterised with a 4-module quiet zone and read by `rqrr`.
pub fn decode_qr(n: usize, grid: &[bool]) -> Result<String, String> {
    let (px, quiet) = (6, 4);
    let side = (n + 2 * quiet) * px;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (gx, gy) = (
            (x / px) as isize - quiet as isize,
            (y / px) as isize - quiet as isize,
        );
        let inside = (0..n as isize).contains(&gx) && (0..n as isize).contains(&gy);
        if inside && grid[gy as usize * n + gx as usize] {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    let grid = grids.first().ok_or("no QR code found")?;
    grid.decode().map(|(_, s)| s).map_err(|e| e.to_string())
}
