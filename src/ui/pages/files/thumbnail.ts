import { isImageType } from '../../../domain/file';

/** Longest side of a stored thumbnail, in pixels: small enough to sync with the file doc at a few kB. */
const THUMB_SIZE = 160;

/**
 * A small JPEG of an image file, made once when it is added so every device
 * shows it without fetching the whole image.
 * @returns undefined for non-images or images the browser cannot decode.
 */
export async function makeThumbnail(file: File): Promise<Blob | undefined> {
  if (!isImageType(file.type) || typeof createImageBitmap !== 'function') return undefined;
  let bitmap: ImageBitmap;
  try {
    // Decoding happens off the main thread in modern browsers.
    bitmap = await createImageBitmap(file);
  } catch {
    return undefined;
  }
  try {
    const scale = Math.min(1, THUMB_SIZE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    if (typeof OffscreenCanvas === 'function') {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d');
      if (!ctx) return undefined;
      draw(ctx, bitmap, width, height);
      return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
    }
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return undefined;
    draw(ctx, bitmap, width, height);
    return await new Promise<Blob | undefined>((resolve) => canvas.toBlob((b) => resolve(b ?? undefined), 'image/jpeg', 0.8));
  } finally {
    bitmap.close();
  }
}

function draw(
  ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D,
  bitmap: ImageBitmap,
  width: number,
  height: number,
): void {
  // JPEG has no transparency: put transparent pixels on white, not black.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, 0, 0, width, height);
}
