/**
 * Svelte action: draws one uint8 image (greyscale or RGB) into a canvas at its own size; CSS scales it.
 * `pixels` holds many images back to back; `index` picks one of `width × height × channels` bytes.
 */
export interface PixelsParams {
  pixels: Uint8Array;
  index: number;
  width: number;
  height: number;
  channels: number;
}

function draw(canvas: HTMLCanvasElement, { pixels, index, width, height, channels }: PixelsParams): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx || !(width > 0 && height > 0)) return;
  const image = ctx.createImageData(width, height);
  const offset = index * width * height * channels;
  for (let i = 0; i < width * height; i++) {
    const at = offset + i * channels;
    image.data[4 * i] = pixels[at];
    image.data[4 * i + 1] = pixels[at + (channels === 3 ? 1 : 0)];
    image.data[4 * i + 2] = pixels[at + (channels === 3 ? 2 : 0)];
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

export function pixels(canvas: HTMLCanvasElement, params: PixelsParams) {
  draw(canvas, params);
  return { update: (next: PixelsParams) => draw(canvas, next) };
}
