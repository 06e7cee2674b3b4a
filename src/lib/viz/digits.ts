/**
 * Svelte action: draws one greyscale uint8 image (white ink on black, as MNIST) into a canvas.
 * `pixels` holds many images back to back; `index` picks one of `width × height` bytes.
 */
export interface DigitParams {
  pixels: Uint8Array;
  index: number;
  width: number;
  height: number;
}

function draw(canvas: HTMLCanvasElement, { pixels, index, width, height }: DigitParams): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(width, height);
  const offset = index * width * height;
  for (let i = 0; i < width * height; i++) {
    const v = pixels[offset + i];
    image.data[4 * i] = v;
    image.data[4 * i + 1] = v;
    image.data[4 * i + 2] = v;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

export function digit(canvas: HTMLCanvasElement, params: DigitParams) {
  draw(canvas, params);
  return { update: (next: DigitParams) => draw(canvas, next) };
}
