import { Inflate } from 'fflate';
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

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** What the central directory says the entry unpacks to; checked before inflating, and not trusted while inflating. */
  declaredSize: number;
  localOffset: number;
}

const u16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 0x1000000;

/** Reads the central directory (the list at the end of a zip) without inflating anything; throws a message when it is damaged. */
function readCentralDirectory(zip: Uint8Array): ZipEntry[] {
  let end = zip.length - 22;
  while (end >= 0 && u32(zip, end) !== 0x06054b50) {
    if (zip.length - end > 22 + 0xffff) throw new Error('no end of central directory');
    end--;
  }
  if (end < 0) throw new Error('no end of central directory');
  let count = u16(zip, end + 10);
  let at = u32(zip, end + 16);
  // Zip64: the real count and offset sit in a record the locator (just before the end record) points to.
  if (end >= 20 && u32(zip, end - 20) === 0x07064b50) {
    const z = u32(zip, end - 12);
    if (u32(zip, z) === 0x06064b50) {
      count = u32(zip, z + 32);
      at = u32(zip, z + 48);
    }
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || u32(zip, at) !== 0x02014b50) throw new Error('damaged central directory');
    const flags = u16(zip, at + 8);
    const nameLength = u16(zip, at + 28);
    const extraLength = u16(zip, at + 30);
    const commentLength = u16(zip, at + 32);
    const nameBytes = zip.subarray(at + 46, at + 46 + nameLength);
    const name = flags & 0x800 ? new TextDecoder().decode(nameBytes) : String.fromCharCode(...nameBytes);
    let declaredSize = u32(zip, at + 24);
    let compressedSize = u32(zip, at + 20);
    let localOffset = u32(zip, at + 42);
    // Zip64 extra field: 64-bit values for the fields set to 0xffffffff, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength; e += 4 + u16(zip, e + 2)) {
      if (u16(zip, e) !== 1) continue;
      let v = e + 4;
      const next = () => ((v += 8), u32(zip, v - 8) + u32(zip, v - 4) * 0x100000000);
      if (declaredSize === 0xffffffff) declaredSize = next();
      if (compressedSize === 0xffffffff) compressedSize = next();
      if (localOffset === 0xffffffff) localOffset = next();
    }
    entries.push({ name, method: u16(zip, at + 10), compressedSize, declaredSize, localOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Compressed bytes are fed this many at a time, so one push inflates at most about 1,000 times as much (deflate's ceiling). */
const INFLATE_CHUNK = 4 * 1024;

type ZipLimits = Pick<typeof LIMITS, 'zipBytes' | 'imageBytes' | 'unzippedBytes'>;

/**
 * Unpacks a zip archive (all in memory) into its files; throws DataError when it is not one, is damaged, or
 * unpacks to too much. Declared sizes are checked before anything is inflated, and inflating stops as soon as the
 * bytes really produced pass a limit, so a zip whose headers lie about its sizes cannot fill memory either.
 */
export function unzipImages(zip: Uint8Array, zipName: string, limits: ZipLimits = LIMITS): ImageFile[] {
  if (zip.length > limits.zipBytes) throw new DataError('data.tooLarge', { file: zipName, bytes: zip.length, limit: limits.zipBytes, kind: 'zip' });
  if (!isZip(zip)) throw new DataError('images.notZip', { file: zipName, format: describeBinary(zip) });
  let entries: ZipEntry[];
  try {
    entries = readCentralDirectory(zip).filter((f) => !f.name.endsWith('/') && !JUNK.test(f.name));
  } catch (err) {
    throw new DataError('images.badZip', { file: zipName, reason: (err as Error).message });
  }
  const tooLarge = (entry: string, bytes: number) => new DataError('data.tooLarge', { file: `${zipName}/${entry}`, bytes, limit: limits.imageBytes, kind: 'image' });
  const unpacksTooLarge = (bytes: number) => new DataError('images.unpacksTooLarge', { file: zipName, bytes, limit: limits.unzippedBytes });
  let declaredTotal = 0;
  for (const f of entries) {
    if (f.declaredSize > limits.imageBytes) throw tooLarge(f.name, f.declaredSize);
    declaredTotal += f.declaredSize;
  }
  if (declaredTotal > limits.unzippedBytes) throw unpacksTooLarge(declaredTotal);
  let total = 0;
  const files: ImageFile[] = [];
  for (const f of entries) {
    const start = f.localOffset + 30 + u16(zip, f.localOffset + 26) + u16(zip, f.localOffset + 28);
    if (u32(zip, f.localOffset) !== 0x04034b50 || start + f.compressedSize > zip.length) {
      throw new DataError('images.badZip', { file: zipName, reason: `${f.name}: damaged local header` });
    }
    const data = zip.subarray(start, start + f.compressedSize);
    let bytes: Uint8Array;
    if (f.method === 0) {
      if (data.length > limits.imageBytes) throw tooLarge(f.name, data.length);
      if (total + data.length > limits.unzippedBytes) throw unpacksTooLarge(total + data.length);
      total += data.length;
      bytes = data.slice();
    } else if (f.method === 8) {
      const chunks: Uint8Array[] = [];
      let size = 0;
      const inflate = new Inflate((chunk) => {
        size += chunk.length;
        total += chunk.length;
        // Thrown from inside push: nothing past this chunk is inflated.
        if (total > limits.unzippedBytes) throw unpacksTooLarge(total);
        if (size > limits.imageBytes) throw tooLarge(f.name, size);
        chunks.push(chunk);
      });
      try {
        for (let i = 0; i < data.length; i += INFLATE_CHUNK) inflate.push(data.subarray(i, i + INFLATE_CHUNK), i + INFLATE_CHUNK >= data.length);
        if (!data.length) inflate.push(new Uint8Array(0), true);
      } catch (err) {
        if (err instanceof DataError) throw err;
        throw new DataError('images.badZip', { file: zipName, reason: `${f.name}: ${(err as Error).message}` });
      }
      bytes = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) bytes.set(c, (at += c.length) - c.length);
    } else {
      throw new DataError('images.badZip', { file: zipName, reason: `${f.name}: unknown compression method ${f.method}` });
    }
    if (bytes.length !== f.declaredSize) {
      throw new DataError('images.badZip', { file: zipName, reason: `${f.name} holds ${bytes.length} bytes, its header says ${f.declaredSize}` });
    }
    files.push({ path: `${zipName}/${f.name}`, bytes });
  }
  return files;
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
