/** Data the bundle spec uploads, made here: a CSV with hostile names, a regression CSV, colour images. */
import { deflateSync } from 'node:zlib';
import Papa from 'papaparse';
import { packChannels, resizeSquare } from '../../src/lib/engine/data/image-resize';

/** Names that break out of HTML, JavaScript strings, CSV quoting or String.replace patterns. */
export const HOSTILE = {
  img: '<img src=x onerror=alert(1)>',
  quotes: 'a "quoted"\nname with \'both\'',
  triple: '"""',
  dollar: "$' $& $`",
  python: '"""\nimport os; os.system("echo INJECTED")\n"""',
} as const;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
}

function cell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** The classes of the hostile CSV, by the rule that makes them learnable. */
export const HOSTILE_CLASSES = [HOSTILE.img, HOSTILE.triple, HOSTILE.dollar, 'two\nlines "q"'];

/**
 * A user CSV with two numeric columns (one with "NA" and one with empty cells), two categorical ones (one
 * with empty cells and hostile values) and a target `label` whose classes are hostile names; every column
 * but the target is named hostilely.
 */
export function hostileCsv(rows = 200): string {
  const rnd = seeded(7);
  const colours = ['red', 'green', 'blue'];
  const tags = [HOSTILE.img.replace('x', 'y'), HOSTILE.dollar, 'plain'];
  const out: string[][] = [[HOSTILE.img, HOSTILE.quotes, HOSTILE.triple, HOSTILE.dollar, 'label']];
  for (let i = 0; i < rows; i++) {
    const a = rnd() * 10 - 5;
    const b = rnd() * 4;
    const colour = colours[Math.floor(rnd() * 3)];
    const tag = tags[Math.floor(rnd() * 3)];
    const score = a + (colour === 'red' ? 3 : colour === 'blue' ? -3 : 0) + (tag === 'plain' ? 1 : 0);
    const k = score > 2.5 ? 0 : score > 0 ? 1 : score > -2.5 ? 2 : 3;
    out.push([
      i % 13 === 4 ? 'NA' : a.toFixed(3),
      i % 17 === 6 ? '' : b.toFixed(2),
      i % 11 === 3 ? '' : colour,
      tag,
      HOSTILE_CLASSES[(k + (rnd() < 0.1 ? 1 : 0)) % 4],
    ]);
  }
  return toCsv(out);
}

/** A regression CSV whose header is `x,y,label`: the target guess must pick `label`, not `y`. */
export function regressionCsv(rows = 200): string {
  const rnd = seeded(11);
  const out: string[][] = [['x', 'y', 'label']];
  for (let i = 0; i < rows; i++) {
    const x = rnd() * 6 - 3;
    const y = rnd() * 6 - 3;
    out.push([x.toFixed(4), y.toFixed(4), (250 + 30 * x - 20 * y + 5 * x * y + rnd() * 3).toFixed(3)]);
  }
  return toCsv(out);
}

/** Cells of a CSV, parsed as the app parses it (Papa Parse, blank lines skipped). */
export function csvCells(text: string): { header: string[]; rows: string[][] } {
  const data = Papa.parse<string[]>(text, { delimiter: ',' }).data.filter((r) => !(r.length === 1 && r[0].trim() === ''));
  return { header: data[0].map((h) => h.trim()), rows: data.slice(1) };
}

/** Sizes of the image-folder dataset: non-square colour files, resized by the app to a greyscale square. */
export const PHOTO = { width: 20, height: 28, size: 16 } as const;

/**
 * A colour image of class `k` (0: bar on the left, 1: bar on the right, 2: a blob in the middle) with
 * seeded noise, so every file differs. Returns its RGB pixels and the PNG.
 */
export function classImage(k: number, i: number): { rgb: Uint8Array; png: Buffer } {
  const rnd = seeded(1000 * k + i + 1);
  const { width, height } = PHOTO;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const on = k === 0 ? x < 7 : k === 1 ? x >= 13 : Math.hypot(x - 10, y - 14) < 5;
      const base = on ? 190 : 30;
      const o = (y * width + x) * 3;
      rgb[o] = Math.min(255, base + Math.floor(rnd() * 60));
      rgb[o + 1] = Math.floor(base * 0.6 + rnd() * 50);
      rgb[o + 2] = Math.min(255, Math.floor(40 + rnd() * 180));
    }
  }
  const image = pngRect(width, height, (x, y) => {
    const o = (y * width + x) * 3;
    return [rgb[o], rgb[o + 1], rgb[o + 2]];
  });
  return { rgb, png: image };
}

/** An 8-bit RGB PNG of `width × height` (files.ts makes squares only), rows unfiltered. */
function pngRect(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const rows = Buffer.alloc(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows.set(rgb(x, y), y * (1 + 3 * width) + 1 + 3 * x);
  return encodePng(width, height, deflateSync(rows));
}

function encodePng(width: number, height: number, idat: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  let c = 0xffffffff;
  for (const b of body) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

/**
 * The greyscale `size × size` pixels the app makes of an image (the engine's own crop, area resize and
 * BT.601 grey, run here on the RGB we encoded): only to find which file a test image of the app came from.
 */
export function appGrey(rgb: Uint8Array): Uint8Array {
  const { width, height, size } = PHOTO;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
  const out = new Uint8Array(size * size);
  packChannels(resizeSquare(rgba, width, height, size), size * size, 1, out);
  return out;
}
