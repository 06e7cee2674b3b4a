import { unzipSync } from 'fflate';
import { DataError } from './errors';
import { LIMITS } from './limits';
import { describeBinary, isZip, sniffImage } from './sniff';

/** One user file: its path (folder drops and zips keep folders: "cats/1.png"), bytes, and a class if the user gave one. */
export interface ImageFile {
  path: string;
  bytes: Uint8Array;
  className?: string;
}

/** Images grouped by class, in class-name order. */
export interface ClassedImages {
  classNames: string[];
  images: { path: string; classIndex: number; bytes: Uint8Array }[];
  /** Files left out because they are not images (inside a zip or a folder). */
  skipped: string[];
}

const JUNK = /(^|\/)(__MACOSX\/|\.[^/]*$|Thumbs\.db$|desktop\.ini$)/i;

/** Unpacks a zip archive (all in memory) into its files; throws DataError when it is not one or is damaged. */
export function unzipImages(zip: Uint8Array, zipName: string): ImageFile[] {
  if (zip.length > LIMITS.zipBytes) throw new DataError('data.tooLarge', { file: zipName, bytes: zip.length, limit: LIMITS.zipBytes, kind: 'zip' });
  if (!isZip(zip)) throw new DataError('images.notZip', { file: zipName, format: describeBinary(zip) });
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, { filter: (f) => !f.name.endsWith('/') && !JUNK.test(f.name) });
  } catch (err) {
    throw new DataError('images.badZip', { file: zipName, reason: (err as Error).message });
  }
  return Object.entries(entries).map(([path, bytes]) => ({ path: `${zipName}/${path}`, bytes }));
}

/**
 * Groups images by class: the class the user gave, else the folder the file sits in ("…/cats/1.png" → cats).
 * With `strict` (files picked one by one) a non-image is an error; in zips and folders it is skipped.
 * Throws DataError for no images, images outside class folders, one class, too many classes or images.
 */
export function groupByClass(files: ImageFile[], source: string, strict: boolean, stripPrefix = ''): ClassedImages {
  const byClass = new Map<string, { path: string; bytes: Uint8Array }[]>();
  const skipped: string[] = [];
  const loose: string[] = [];
  for (const file of files) {
    if (JUNK.test(file.path)) continue;
    if (file.bytes.length > LIMITS.imageBytes) throw new DataError('data.tooLarge', { file: file.path, bytes: file.bytes.length, limit: LIMITS.imageBytes, kind: 'image' });
    if (!sniffImage(file.bytes)) {
      if (strict) throw new DataError('images.notImage', { file: file.path, format: describeBinary(file.bytes) });
      skipped.push(file.path);
      continue;
    }
    const parts = file.path.slice(stripPrefix.length).split('/').filter(Boolean);
    const className = file.className ?? (parts.length >= 2 ? parts[parts.length - 2] : undefined);
    if (!className) {
      loose.push(file.path);
      continue;
    }
    if (!byClass.has(className)) byClass.set(className, []);
    byClass.get(className)!.push(file);
  }
  if (loose.length) throw new DataError('images.notInFolders', { source, count: loose.length, example: loose[0] });
  const total = [...byClass.values()].reduce((s, l) => s + l.length, 0);
  if (total === 0) throw new DataError('images.none', { source });
  if (total > LIMITS.maxImages) throw new DataError('images.tooMany', { source, count: total, max: LIMITS.maxImages });
  const classNames = [...byClass.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (classNames.length === 1) throw new DataError('images.oneClass', { source, name: classNames[0], count: total });
  if (classNames.length > LIMITS.maxClasses) throw new DataError('images.tooManyClasses', { source, count: classNames.length, max: LIMITS.maxClasses });
  const images = classNames.flatMap((name, classIndex) => byClass.get(name)!.map((f) => ({ path: f.path, classIndex, bytes: f.bytes })));
  return { classNames, images, skipped };
}
