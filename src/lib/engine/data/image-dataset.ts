import { engineMessage, type EngineMessage, type ImageFailure } from '../errors';
import type { Dataset, Split } from './dataset';
import { DataError } from './errors';
import type { ClassedImages } from './image-files';
import { packChannels, resizeSquare } from './image-resize';
import { trainTestSplit } from './split';

/** Decoded pixels: RGBA bytes, `width × height`. */
export interface DecodedImage {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Turns image bytes into pixels. The browser's decoder lives in the worker; throws when the bytes are not an image. */
export type ImageDecoder = (bytes: Uint8Array, maxSide: number) => Promise<DecodedImage>;

export interface ImageOptions {
  /** Output side in pixels (square). */
  size: number;
  channels: 1 | 3;
  testFraction: number;
  splitSeed: number;
  name: string;
}

/** A decoder may shrink huge photos to about this multiple of the output size first (the box filter does the rest). */
const PRE_SHRINK = 4;

/**
 * Decodes, crops, resizes and packs grouped images into a classification dataset of uint8 pixels,
 * split train/test (seeded, stratified). Images that will not decode are left out with a message each;
 * throws DataError when none decode or a class ends up empty.
 */
export async function buildImageDataset(grouped: ClassedImages, opts: ImageOptions, decode: ImageDecoder): Promise<{ dataset: Dataset; notes: EngineMessage[] }> {
  const { size, channels } = opts;
  const pixelBytes = size * size * channels;
  const x = new Uint8Array(grouped.images.length * pixelBytes);
  const labels: number[] = [];
  const failures: ImageFailure[] = [];
  for (const image of grouped.images) {
    let decoded: DecodedImage;
    try {
      decoded = await decode(image.bytes, size * PRE_SHRINK);
    } catch (err) {
      failures.push({ file: image.path, reason: (err as Error).message || String(err) });
      continue;
    }
    const square = resizeSquare(decoded.rgba, decoded.width, decoded.height, size);
    packChannels(square, size * size, channels, x, labels.length * pixelBytes);
    labels.push(image.classIndex);
  }
  if (labels.length === 0) throw new DataError('images.allUndecodable', { count: grouped.images.length, failures: failures.slice(0, 5) });
  const counts = grouped.classNames.map((_, c) => labels.filter((l) => l === c).length);
  const empty = counts.findIndex((c) => c === 0);
  if (empty >= 0) throw new DataError('images.emptyClass', { name: grouped.classNames[empty], failures: failures.slice(0, 5) });
  const split = trainTestSplit(labels.length, opts.testFraction, opts.splitSeed, labels);
  const take = (order: Uint32Array): Split => {
    const out = new Uint8Array(order.length * pixelBytes);
    order.forEach((k, r) => out.set(x.subarray(k * pixelBytes, (k + 1) * pixelBytes), r * pixelBytes));
    return { x: out, y: Uint8Array.from(order, (k) => labels[k]), count: order.length };
  };
  const dataset: Dataset = {
    id: `images:${opts.name}`,
    name: opts.name,
    task: 'classification',
    inputShape: [size, size, channels],
    numClasses: grouped.classNames.length,
    classNames: grouped.classNames,
    xScale: 1 / 255,
    train: take(split.train),
    test: take(split.test),
    source: `${opts.name}: ${labels.length} images in ${grouped.classNames.length} classes, resized to ${size}×${size} ${channels === 1 ? 'greyscale' : 'colour'}`,
  };
  const notes: EngineMessage[] = [
    ...(grouped.skipped.length ? [engineMessage('images.skipped', { files: grouped.skipped })] : []),
    ...failures.map((f) => engineMessage('images.undecodable', f)),
  ];
  return { dataset, notes };
}
