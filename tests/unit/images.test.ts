import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { classCounts } from '../../src/lib/engine/data/dataset';
import { buildImageDataset } from '../../src/lib/engine/data/image-dataset';
import { groupByClass, unzipImages } from '../../src/lib/engine/data/image-files';
import { packChannels, resizeSquare } from '../../src/lib/engine/data/image-resize';
import { LIMITS } from '../../src/lib/engine/data/limits';
import { decodeBmp, encodeBmp } from './bmp';
import { rejectedWords, worded, words } from './worded';

/** RGBA of a `w × h` image whose red channel is `f(x, y)` (green = blue = 0, opaque). */
function rgbaOf(w: number, h: number, f: (x: number, y: number) => number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set([f(x, y), 0, 0, 255], (y * w + x) * 4);
  return out;
}
const red = (rgba: Uint8ClampedArray) => Array.from({ length: rgba.length / 4 }, (_, i) => rgba[4 * i]);

describe('image resizing and packing (pure)', () => {
  it('averages each covered area when shrinking', () => {
    const src = rgbaOf(4, 4, (x, y) => (x < 2 ? 0 : 200) + (y < 2 ? 0 : 40));
    expect(red(resizeSquare(src, 4, 4, 2))).toEqual([0, 200, 40, 240]);
    // 3 → 2: each output covers 1.5 source pixels per axis.
    const three = rgbaOf(3, 1, (x) => [0, 90, 180][x]);
    expect(red(resizeSquare(three, 3, 1, 1))).toEqual([90]);
  });

  it('crops the centred square of a wide or tall image', () => {
    const wide = rgbaOf(6, 2, (x) => x * 10);
    expect(red(resizeSquare(wide, 6, 2, 2))).toEqual([20, 30, 20, 30]);
    const tall = rgbaOf(1, 3, (_, y) => y * 100);
    expect(red(resizeSquare(tall, 1, 3, 1))).toEqual([100]);
  });

  it('keeps values when enlarging and keeps alpha', () => {
    const src = rgbaOf(2, 2, (x, y) => 10 + x + 2 * y);
    const big = resizeSquare(src, 2, 2, 4);
    expect(red(big)).toEqual([10, 10, 11, 11, 10, 10, 11, 11, 12, 12, 13, 13, 12, 12, 13, 13]);
    expect(big[3]).toBe(255);
    expect(words(() => resizeSquare(src, 0, 2, 4))).toMatch(/cannot resize a 0×2 image/);
  });

  it('packs greyscale (BT.601 luma) or RGB', () => {
    const px = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 200, 200, 200, 255]);
    const grey = new Uint8Array(4);
    packChannels(px, 4, 1, grey);
    expect(Array.from(grey)).toEqual([76, 150, 29, 200]);
    const rgb = new Uint8Array(2 + 12);
    packChannels(px, 4, 3, rgb, 2);
    expect(Array.from(rgb.subarray(2, 8))).toEqual([255, 0, 0, 0, 255, 0]);
  });
});

const square = (v: number) => encodeBmp(6, 6, () => [v, v, v]);
const stripes = () => encodeBmp(6, 6, (x) => (x % 2 ? [255, 255, 255] : [0, 0, 0]));

describe('image files from a zip or folders', () => {
  it('takes the class from the folder, skips junk and non-images, and builds a stratified dataset', async () => {
    const files: Record<string, Uint8Array> = { 'readme.txt': new TextEncoder().encode('hello') };
    for (let i = 0; i < 5; i++) {
      files[`shapes/dark/${i}.bmp`] = square(20 + i);
      files[`shapes/striped/${i}.bmp`] = stripes();
    }
    files['__MACOSX/shapes/dark/._0.bmp'] = new Uint8Array([0, 5, 22]);
    files['shapes/dark/.DS_Store'] = new Uint8Array([0, 0, 0, 1]);
    files['shapes/notes.txt'] = new TextEncoder().encode('not an image');
    const unzipped = unzipImages(zipSync(files), 'shapes.zip');
    const grouped = groupByClass(unzipped, 'shapes.zip', false);
    expect(grouped.classNames).toEqual(['dark', 'striped']);
    expect(grouped.images).toHaveLength(10);
    expect(grouped.skipped.sort()).toEqual(['shapes.zip/readme.txt', 'shapes.zip/shapes/notes.txt']);

    const { dataset, notes } = await buildImageDataset(grouped, { size: 3, channels: 1, testFraction: 0.2, splitSeed: 3, name: 'shapes.zip' }, decodeBmp);
    expect(dataset.inputShape).toEqual([3, 3, 1]);
    expect(dataset.xScale).toBeCloseTo(1 / 255);
    expect(classCounts(dataset.test, 2)).toEqual([1, 1]);
    expect(classCounts(dataset.train, 2)).toEqual([4, 4]);
    expect(notes[0]).toEqual({ code: 'images.skipped', params: { files: grouped.skipped } });
    expect(worded(notes)[0]).toBe('Skipped 2 files that are not an image: shapes.zip/readme.txt, shapes.zip/shapes/notes.txt.');
    // A dark example is uniform; 6 → 3 averages each black/white column pair of a striped one to mid-grey.
    const darkRow = Array.from(dataset.train.y).indexOf(0);
    expect(new Set(dataset.train.x.subarray(darkRow * 9, darkRow * 9 + 9)).size).toBe(1);
    const stripedRow = Array.from(dataset.train.y).indexOf(1);
    expect(Array.from(dataset.train.x.subarray(stripedRow * 9, stripedRow * 9 + 9))).toEqual([128, 128, 128, 128, 128, 128, 128, 128, 128]);
  });

  it('leaves out an image that will not decode, with a message naming it', async () => {
    const files = [0, 1, 2].flatMap((i) => [
      { path: `cats/${i}.bmp`, bytes: square(10) },
      { path: `dogs/${i}.bmp`, bytes: i === 1 ? square(200).subarray(0, 80) : square(200) },
    ]);
    const { dataset, notes } = await buildImageDataset(groupByClass(files, 'drop', false), { size: 3, channels: 3, testFraction: 0.3, splitSeed: 1, name: 'drop' }, decodeBmp);
    expect(dataset.train.count + dataset.test.count).toBe(5);
    expect(dataset.inputShape).toEqual([3, 3, 3]);
    expect(worded(notes)).toEqual(['dogs/1.bmp could not be decoded as an image (the pixel data is cut short); the file may be damaged or cut short.']);
  });

  it('refuses bad image input with a message that says what and where', async () => {
    const two = (cls: string) => [0, 1].map((i) => ({ path: `${cls}/${i}.bmp`, bytes: square(i) }));
    expect(words(() => unzipImages(new TextEncoder().encode('just text'), 'a.zip'))).toContain('a.zip is not a zip archive.');
    expect(words(() => unzipImages(square(1), 'b.zip'))).toContain('b.zip is not a zip archive: it looks like a BMP image.');
    expect(words(() => groupByClass([{ path: 'loose.bmp', bytes: square(1) }, ...two('a')], 'c.zip', false))).toContain(
      'c.zip: 1 image is not in a class folder (for example loose.bmp); put the images of each class in a sub-folder named after the class.',
    );
    expect(words(() => groupByClass(two('only'), 'd.zip', false))).toContain('d.zip: all 2 images are in one class (“only”); a classifier needs at least two classes, one folder each.');
    expect(words(() => groupByClass([{ path: 'x.txt', bytes: new Uint8Array([1]) }], 'e', false))).toContain('e holds no images (PNG, JPEG, GIF, WebP or BMP).');
    expect(words(() => groupByClass([{ path: 'doc.pdf', bytes: new TextEncoder().encode('%PDF-1.4'), className: 'a' }], 'picked files', true))).toContain(
      'doc.pdf is not an image: it looks like a PDF document. Use PNG, JPEG, GIF, WebP or BMP files, or a zip of them.',
    );
    const many = Array.from({ length: LIMITS.maxClasses + 1 }, (_, c) => ({ path: `c${c}/0.bmp`, bytes: square(c) }));
    expect(words(() => groupByClass(many, 'many.zip', false))).toContain(`many.zip has ${LIMITS.maxClasses + 1} class folders, more than the ${LIMITS.maxClasses} classes allowed.`);
    const huge = { path: 'a/huge.bmp', bytes: new Uint8Array(LIMITS.imageBytes + 1).fill(0x42) };
    expect(words(() => groupByClass([huge], 'f', false))).toContain('a/huge.bmp is 10 MB, over the 10 MB limit for one image; it was not read.');
    const broken = [0, 1].flatMap((i) => [{ path: `a/${i}.bmp`, bytes: square(1).subarray(0, 60) }, { path: `b/${i}.bmp`, bytes: square(1).subarray(0, 60) }]);
    expect(await rejectedWords(buildImageDataset(groupByClass(broken, 'g', false), { size: 2, channels: 1, testFraction: 0.5, splitSeed: 1, name: 'g' }, decodeBmp))).toMatch(
      /^None of the 4 images could be decoded; see the messages below\. a\/0\.bmp could not be decoded/,
    );
  });
});
