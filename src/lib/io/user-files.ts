import { formatBytes, sizeLimit, type FileKind } from '../engine/data/limits';
import { t } from '../i18n';

/** A user's file with the path it had in a dropped or picked folder ("cats/1.png"). */
export interface PathedFile {
  path: string;
  file: File;
}

/**
 * Reads a user's file, after checking its size against the limit for its kind: a file over the limit is
 * refused from `File.size` alone, before a byte of it is read.
 */
export async function readWithLimit(file: File, kind: FileKind, path = file.name): Promise<ArrayBuffer> {
  const limit = sizeLimit(kind);
  if (file.size > limit) throw new Error(t.dataErrors.tooLarge(path, formatBytes(file.size), formatBytes(limit), t.dataErrors.kindNames[kind]));
  return file.arrayBuffer();
}

/** Files of an `<input webkitdirectory>` pick, with their folder paths. */
export function filesFromPicker(list: FileList): PathedFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: PathedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most 100 entries a call: read until it returns none.
  for (let batch = await readEntries(reader); batch.length; batch = await readEntries(reader)) {
    for (const child of batch) await walk(child, out);
  }
}

/** Every file of a drop, walking dropped folders (one folder per class, or a parent of class folders). */
export async function filesFromDrop(transfer: DataTransfer): Promise<PathedFile[]> {
  const entries = Array.from(transfer.items, (item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const out: PathedFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}
