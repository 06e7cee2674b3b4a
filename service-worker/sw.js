// Descent's service worker: the page works offline once visited, and stays cross-origin isolated offline.
//
// - The app shell (the page, its script and styles, the manifest and icons) is cached when the worker installs.
// - The engine (the trainer worker's chunks and the WASM files) is cached when the page asks for it: the Train
//   view does when it first starts the engine (a visit of the Lab alone does not fetch it).
// - Each built-in dataset is cached the first time it is fetched (data/…), and so is any other file of the app.
// - Every response it serves carries COOP/COEP/CORP headers, so `crossOriginIsolated` stays true offline and on
//   static hosts that cannot send the headers (WASM threads need SharedArrayBuffer).
// Hand-written (no library): the lists come from the build (service-worker/plugin.ts fills in the constants),
// which keeps this file small and its behaviour visible. URLs are relative to the worker, so the app works from
// any sub-folder.
const VERSION = __VERSION__;
const SHELL = __SHELL__;
const ENGINE = __ENGINE__;

const SHELL_CACHE = `descent-shell-${VERSION}`;
const ENGINE_CACHE = `descent-engine-${VERSION}`;
/** Datasets do not change with the app's version (their files carry their SHA-256 sums). */
const DATA_CACHE = 'descent-data-v1';
/** Anything else of this version that was fetched (e.g. the stock tf.min.js an export bundles). */
const RUNTIME_CACHE = `descent-runtime-${VERSION}`;
const OURS = [SHELL_CACHE, ENGINE_CACHE, DATA_CACHE, RUNTIME_CACHE];

const scope = new URL(self.registration.scope);
const abs = (path) => new URL(path, scope).href;
const engineUrls = new Set(ENGINE.map(abs));

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map(abs)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('descent-') && !OURS.includes(k)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** The page asks for the engine's files once it starts the engine ({ type: 'cache-engine' }). */
self.addEventListener('message', (event) => {
  if (event.data?.type !== 'cache-engine') return;
  event.waitUntil(
    caches.open(ENGINE_CACHE).then(async (cache) => {
      for (const url of engineUrls) if (!(await cache.match(url))) await cache.add(url).catch(() => {});
    }),
  );
});

/** A copy of `response` with the isolation headers (opaque responses cannot be copied and are passed on). */
function isolated(response) {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function cacheFor(url) {
  if (url.startsWith(abs('data/'))) return DATA_CACHE;
  if (engineUrls.has(url)) return ENGINE_CACHE;
  return RUNTIME_CACHE;
}

/** Cache first (hashed files and datasets never change under the same URL); a miss is fetched and kept. */
async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    const copy = response.clone();
    caches.open(cacheFor(request.url)).then((cache) => cache.put(request, copy));
  }
  return response;
}

/** The page itself: the network first (a new version shows at once), the cached shell when offline. */
async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      const copy = response.clone();
      caches.open(SHELL_CACHE).then((cache) => cache.put(abs('./'), copy));
    }
    return response;
  } catch (err) {
    const cached = (await caches.match(abs('./'))) ?? (await caches.match(abs('index.html')));
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.href.startsWith(scope.href)) return;
  // Partial requests (media) go to the network as they are.
  if (request.headers.has('range')) return;
  const work = request.mode === 'navigate' ? networkFirst(request) : cacheFirst(request);
  event.respondWith(work.then(isolated));
});
