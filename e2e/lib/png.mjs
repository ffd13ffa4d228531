// Test photos written by hand (zlib is all a PNG needs).
import { deflateSync } from 'node:zlib';

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
/** A patterned product on white, `side` pixels square; `hue` tints it. */
export function photo(side, hue = 40) {
  const raw = Buffer.alloc(side * (side * 3 + 1), 255);
  for (let y = 0; y < side; y++) {
    raw[y * (side * 3 + 1)] = 0;
    for (let x = 0; x < side; x++) {
      const inside = x > side / 5 && x < (side * 4) / 5 && y > side / 5 && y < (side * 4) / 5;
      if (inside && (Math.floor(x / 7) + Math.floor(y / 11)) % 2 === 0) {
        const at = y * (side * 3 + 1) + 1 + x * 3;
        raw[at] = hue; raw[at + 1] = 60; raw[at + 2] = 255 - hue;
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0); header.writeUInt32BE(side, 4);
  header[8] = 8; header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}
