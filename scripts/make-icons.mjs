// Draws the app's icons (a falling loss curve on a dark square) as PNG files in public/icons/.
// node scripts/make-icons.mjs — the PNGs are committed; run again only to change them.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function png(size, rgba) {
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** `inset`: the drawing's margin as a fraction of the size (maskable icons keep a safe zone). */
function draw(size, inset, rounded) {
  const px = Buffer.alloc(size * size * 4);
  const bg = [15, 23, 42];
  const line = [89, 165, 255];
  const pts = [];
  for (let i = 0; i <= 64; i++) {
    const t = i / 64;
    pts.push([inset + t * (1 - 2 * inset), inset + (1 - 2 * inset) * (1 - (0.92 * Math.exp(-4.2 * t) + 0.08))]);
  }
  const width = 0.045;
  const dot = pts.at(-1);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      let d = Infinity;
      for (let i = 1; i < pts.length; i++) {
        const [ax, ay] = pts[i - 1];
        const [bx, by] = pts[i];
        const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
        d = Math.min(d, Math.hypot(u - ax - t * (bx - ax), v - ay - t * (by - ay)));
      }
      const cover = Math.max(Math.max(0, Math.min(1, (width / 2 - d) * size + 0.5)), Math.max(0, Math.min(1, (0.06 - Math.hypot(u - dot[0], v - dot[1])) * size + 0.5)));
      // Rounded corners (not for maskable icons, which the platform shapes itself).
      const r = 0.18;
      const cx = Math.min(Math.max(u, r), 1 - r);
      const cy = Math.min(Math.max(v, r), 1 - r);
      const alpha = rounded ? Math.max(0, Math.min(1, (r - Math.hypot(u - cx, v - cy)) * size + 0.5)) : 1;
      const o = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(bg[c] + (line[c] - bg[c]) * cover);
      px[o + 3] = Math.round(255 * alpha);
    }
  }
  return png(size, px);
}

const out = new URL('../public/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', out), draw(192, 0.18, true));
writeFileSync(new URL('icon-512.png', out), draw(512, 0.18, true));
writeFileSync(new URL('icon-maskable-512.png', out), draw(512, 0.26, false));
