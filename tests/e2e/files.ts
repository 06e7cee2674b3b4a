/** Files the data spec uploads, made here: CSVs and PNG images (a minimal encoder over node:zlib). */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** An 8-bit RGB PNG of `size × size` pixels coloured by `rgb(x, y)`. */
export function png(size: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (1 + 3 * size));
  for (let y = 0; y < size; y++) {
    raw[y * (1 + 3 * size)] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(rgb(x, y), y * (1 + 3 * size) + 1 + 3 * x);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** A bright bar on the left (class "left") or on the right ("right"), with a little per-image variation. */
export function barImage(side: 'left' | 'right', i: number): Buffer {
  return png(12, (x, y) => {
    const on = side === 'left' ? x < 5 : x >= 7;
    const v = on && y > i % 3 ? 230 - 5 * i : 20 + 2 * i;
    return [v, v, v];
  });
}

/** A table with two numeric columns, a categorical one with some missing values, and a yes/no label. */
export function goodCsv(rows = 80): string {
  const lines = ['x1,x2,colour,label'];
  for (let i = 0; i < rows; i++) {
    const x1 = ((i * 37) % 21) - 10;
    const x2 = ((i * 53) % 17) - 8;
    const colour = i % 9 === 0 ? '' : ['red', 'green', 'blue'][i % 3];
    lines.push(`${x1},${x2},${colour},${x1 + x2 > 0 ? 'yes' : 'no'}`);
  }
  return lines.join('\n') + '\n';
}
