/** The service worker's cache of built-in datasets (service-worker/sw.js, DATA_CACHE): same name in both. */
const DATA_CACHE = 'descent-data-v1';

/** A fetched static file: its bytes, and whether the transport decoded them (see `fetchFile`). */
export interface FetchedFile {
  bytes: ArrayBuffer;
  /**
   * True when the file is gzip by name (`.gz`) but arrived without the gzip header: the server sent it with
   * `Content-Encoding: gzip` and the browser unzipped it, so these are not the bytes as shipped.
   */
  transportDecoded: boolean;
}

function isGzip(bytes: ArrayBuffer): boolean {
  const head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
  return head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Puts a built-in data file into the service worker's data cache, for a fetch no service worker saw (the first visit
 * fetches the default dataset before the worker controls the page; `needsOfflineCopy` decides before the fetch, as a
 * worker that takes control meanwhile does not see a request already sent). With a controlling worker, it caches the
 * file itself.
 */
async function storeForOffline(url: string, bytes: ArrayBuffer | Blob, contentType: string | null): Promise<void> {
  const absolute = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
  if (!/\/data\//.test(absolute.pathname)) return;
  const cache = await caches.open(DATA_CACHE);
  // The Response takes a copy of the bytes (the caller may transfer its buffer afterwards).
  await cache.put(absolute.href, new Response(bytes, { headers: contentType ? { 'Content-Type': contentType } : {} }));
}

/**
 * Reads a data file's body chunk by chunk (a built-in dataset streaming in): `onChunk` gets each chunk as received
 * (its own buffer, safe to transfer) and may be async (the next read waits for it). Returns whether the transport
 * unzipped the body (`Content-Encoding`), and keeps the file for offline use like `fetchFile`.
 */
export async function streamFile(url: string, onChunk: (chunk: Uint8Array, encoded: boolean) => Promise<void> | void, signal?: AbortSignal): Promise<{ encoded: boolean }> {
  const keep = needsOfflineCopy(url) ? ([] as Uint8Array[]) : null;
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  const encoded = Boolean(response.headers.get('content-encoding'));
  if (!response.body) {
    const all = new Uint8Array(await response.arrayBuffer());
    keep?.push(all.slice());
    await onChunk(all, encoded);
  } else {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const own = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice();
      keep?.push(own.slice());
      await onChunk(own, encoded);
    }
  }
  if (keep) await storeForOffline(url, new Blob(keep as BlobPart[]), response.headers.get('content-type')).catch(() => {});
  return { encoded };
}

/** True when a data file fetched now must be stored by the page to be there offline (no service worker controls it). */
function needsOfflineCopy(url: string): boolean {
  if (typeof caches === 'undefined' || typeof navigator === 'undefined' || navigator.serviceWorker?.controller) return false;
  return /\/data\//.test(new URL(url, (globalThis as { location?: { href: string } }).location?.href).pathname);
}

/**
 * Fetches a static file as bytes, reporting received bytes (built-in datasets under `data/`). `total` is the
 * Content-Length, or 0 when the server sent a Content-Encoding (the length is then that of the encoded body, while
 * `received` counts decoded bytes: `encoded` says so).
 */
export async function fetchFile(url: string, onProgress?: (received: number, total: number, encoded: boolean) => void): Promise<FetchedFile> {
  const keep = needsOfflineCopy(url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  const encoded = Boolean(response.headers.get('content-encoding'));
  const total = encoded ? 0 : Number(response.headers.get('content-length') ?? 0);
  let bytes: ArrayBuffer;
  if (!response.body || !onProgress) bytes = await response.arrayBuffer();
  else {
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress(received, total, encoded);
    }
    const out = new Uint8Array(received);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    bytes = out.buffer;
  }
  if (keep) await storeForOffline(url, bytes, response.headers.get('content-type')).catch(() => {});
  const transportDecoded = /\.gz$/i.test(new URL(url, 'http://x/').pathname) && !isGzip(bytes);
  return { bytes, transportDecoded };
}

/** Fetches a static file as bytes, reporting received bytes (built-in datasets under `data/`). */
export async function fetchBytes(url: string, onProgress?: (received: number, total: number) => void): Promise<ArrayBuffer> {
  return (await fetchFile(url, onProgress)).bytes;
}

/** Fetches and parses a JSON file (kept for offline use like the data files). */
export async function fetchJson<T>(url: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await fetchBytes(url))) as T;
}
