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
 * Keeps a built-in data file for offline use when no service worker saw it (the first visit fetches the default
 * dataset before the worker controls the page). With a controlling worker, it caches the file itself.
 */
async function keepForOffline(url: string, bytes: ArrayBuffer, contentType: string | null): Promise<void> {
  if (typeof caches === 'undefined' || typeof navigator === 'undefined' || navigator.serviceWorker?.controller) return;
  const absolute = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
  if (!/\/data\//.test(absolute.pathname)) return;
  const cache = await caches.open(DATA_CACHE);
  await cache.put(absolute.href, new Response(bytes.slice(0), { headers: contentType ? { 'Content-Type': contentType } : {} }));
}

/**
 * Fetches a static file as bytes, reporting received bytes (built-in datasets under `data/`). `total` is the
 * Content-Length, or 0 when the server sent a Content-Encoding (the length is then that of the encoded body, while
 * `received` counts decoded bytes: `encoded` says so).
 */
export async function fetchFile(url: string, onProgress?: (received: number, total: number, encoded: boolean) => void): Promise<FetchedFile> {
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
  await keepForOffline(url, bytes, response.headers.get('content-type')).catch(() => {});
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
