/**
 * Registers the service worker (`sw.js`, built from service-worker/sw.js): it keeps the app working offline and
 * adds the COOP/COEP headers that cross-origin isolation needs (WASM threads) to everything it serves. On a host
 * that cannot send those headers the page is not isolated on its first load: it reloads once, under the worker.
 * Returns true when the page is about to reload.
 */
export async function ensureCrossOriginIsolation(): Promise<boolean> {
  const reloadedKey = 'descent-coi-reloaded';
  try {
    const registration = await registerServiceWorker();
    if (!registration) return false;
    if (window.crossOriginIsolated) return false;
    // Reload once, when the worker controls the page; never loop if isolation still fails.
    if (sessionStorage.getItem(reloadedKey)) return false;
    sessionStorage.setItem(reloadedKey, '1');
    if (navigator.serviceWorker.controller) {
      window.location.reload();
      return true;
    }
    await new Promise<void>((resolve) => {
      const worker = registration.installing ?? registration.waiting ?? registration.active;
      if (worker?.state === 'activated') return resolve();
      worker?.addEventListener('statechange', () => worker.state === 'activated' && resolve());
      setTimeout(resolve, 3000);
    });
    window.location.reload();
    return true;
  } catch {
    return false;
  }
}

/**
 * Registers the service worker (built apps in a secure context; null elsewhere). On a page that is isolated already
 * (the server sends the headers), main.ts calls it once the first load has settled: installing caches the app shell,
 * and a worker that takes control mid-load would also take over the dataset's download.
 */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!import.meta.env.PROD || !window.isSecureContext || !('serviceWorker' in navigator)) return null;
  return navigator.serviceWorker.register(new URL('sw.js', document.baseURI));
}

/**
 * Asks the service worker to keep the engine's files (the trainer worker's chunks, the WASM files) for offline use;
 * the Train view calls it when the engine starts. Nothing happens without a service worker.
 */
export async function cacheEngineFiles(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage({ type: 'cache-engine' });
}
