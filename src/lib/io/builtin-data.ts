import { IDX_FILE_NAMES, type IdxFiles } from '../engine/data/mnist';
import { fetchBytes } from './fetch-files';

/**
 * Fetches the four idx files of a built-in dataset under `<base>data/<id>/` as raw bytes, the same bytes a
 * user's own files give. `onProgress` receives the percentage of all bytes received.
 */
export async function fetchIdxFiles(id: string, base = '', onProgress?: (percent: number) => void): Promise<{ files: IdxFiles; buffers: ArrayBuffer[] }> {
  const keys = Object.keys(IDX_FILE_NAMES) as (keyof IdxFiles)[];
  const received = new Map<string, [number, number]>();
  const buffers = await Promise.all(
    keys.map((key) =>
      fetchBytes(`${base}data/${id}/${IDX_FILE_NAMES[key]}`, (got, total) => {
        received.set(key, [got, total]);
        const [a, b] = [...received.values()].reduce(([x, y], [g, t]) => [x + g, y + t], [0, 0]);
        onProgress?.(b > 0 ? Math.round((100 * a) / b) : 0);
      }),
    ),
  );
  const files = Object.fromEntries(keys.map((k, i) => [k, buffers[i]])) as unknown as IdxFiles;
  return { files, buffers };
}
