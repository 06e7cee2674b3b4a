/// <reference lib="webworker" />
import type { DecodedImage } from '../engine/data/image-dataset';

/**
 * Decodes image bytes with the browser's own decoder (createImageBitmap works in workers), over a white
 * background (transparent pixels), shrinking huge photos so the shorter side is about `maxSide`; the
 * engine's pure code crops and resizes the rest. Throws when the bytes will not decode.
 */
export async function decodeImage(bytes: Uint8Array, maxSide: number): Promise<DecodedImage> {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  try {
    const scale = Math.min(1, maxSide / Math.min(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2-D canvas in this worker');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    return { rgba: ctx.getImageData(0, 0, width, height).data, width, height };
  } finally {
    bitmap.close();
  }
}
