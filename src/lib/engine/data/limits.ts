/** Limits on user files, checked before a file is read whole (the page checks `File.size` first). */
export const LIMITS = {
  /** One CSV/TSV file. */
  csvBytes: 20 * 1024 * 1024,
  /** One image file. */
  imageBytes: 10 * 1024 * 1024,
  /** One zip archive of images. */
  zipBytes: 100 * 1024 * 1024,
  /** Everything one zip of images unpacks to (declared sizes are checked first, then the bytes actually inflated). */
  unzippedBytes: 300 * 1024 * 1024,
  /** Classes of a classification dataset (CSV targets or image folders). */
  maxClasses: 50,
  /** Images in one dataset. */
  maxImages: 20_000,
} as const;

export type FileKind = 'csv' | 'image' | 'zip';

/** The limit for a file of `kind`, in bytes. */
export function sizeLimit(kind: FileKind): number {
  return kind === 'csv' ? LIMITS.csvBytes : kind === 'image' ? LIMITS.imageBytes : LIMITS.zipBytes;
}

/** "20 MB", "512 KB", "37 bytes": sizes in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
