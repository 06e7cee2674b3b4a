import type { ImageSource } from '../engine/data/workshop';
import type { ImageOptions } from '../engine/data/image-dataset';
import { t } from '../i18n';
import { readWithLimit, type PathedFile } from '../io/user-files';

export interface ClassFiles {
  name: string;
  files: File[];
}

/** The image upload form: where the images come from, and size, colour and split (kept across errors). */
export class ImageForm {
  mode = $state<'zip' | 'folder' | 'classes'>('zip');
  zip = $state.raw<File | null>(null);
  folder = $state.raw<PathedFile[]>([]);
  classes = $state<ClassFiles[]>([
    { name: '', files: [] },
    { name: '', files: [] },
  ]);
  size = $state(28);
  channels = $state<1 | 3>(1);
  testFraction = $state(0.2);
  splitSeed = $state(1);

  /** What was chosen, for the form to show. */
  get chosen(): string | null {
    if (this.mode === 'zip') return this.zip?.name ?? null;
    if (this.mode === 'folder') return this.folder.length ? t.dataUi.images.chosenFiles(this.folder.length) : null;
    const n = this.classes.reduce((s, c) => s + c.files.length, 0);
    return n ? t.dataUi.images.chosenClasses(n, this.classes.length) : null;
  }

  get ready(): boolean {
    return this.chosen !== null;
  }

  options(): ImageOptions {
    const name = this.mode === 'zip' ? (this.zip?.name ?? 'images') : this.mode === 'folder' ? (this.folder[0]?.path.split('/')[0] ?? 'folder') : t.dataUi.images.defaultName;
    return { size: this.size, channels: this.channels, testFraction: this.testFraction, splitSeed: this.splitSeed, name };
  }

  /** Reads the chosen files (each checked against its size limit before it is read) for the worker. */
  async source(): Promise<ImageSource> {
    if (this.mode === 'zip') {
      if (!this.zip) throw new Error(t.dataErrors.noZip);
      return { kind: 'zip', name: this.zip.name, bytes: await readWithLimit(this.zip, 'zip') };
    }
    if (this.mode === 'folder') {
      const files = await Promise.all(this.folder.map(async (f) => ({ path: f.path, bytes: await readWithLimit(f.file, 'image', f.path) })));
      return { kind: 'files', name: this.folder[0]?.path.split('/')[0] ?? 'folder', files };
    }
    const files = [];
    const seen = new Set<string>();
    for (const [i, c] of this.classes.entries()) {
      const name = c.name.trim();
      if (!name && !c.files.length) continue;
      if (!name) throw new Error(t.dataErrors.noClassName(i + 1));
      if (seen.has(name)) throw new Error(t.dataErrors.duplicateClass(name));
      if (!c.files.length) throw new Error(t.dataErrors.emptyClass(name));
      seen.add(name);
      for (const file of c.files) files.push({ path: `${name}/${file.name}`, bytes: await readWithLimit(file, 'image', `${name}/${file.name}`), className: name });
    }
    return { kind: 'files', name: t.dataUi.images.defaultName, files };
  }
}
