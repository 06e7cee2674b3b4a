/**
 * Makes the page cross-origin isolated on hosts that cannot send COOP/COEP headers, by serving it
 * through `coi-sw.js`. Returns true when the page is about to reload under the service worker.
 */
export async function ensureCrossOriginIsolation(): Promise<boolean> {
  if (window.crossOriginIsolated || !window.isSecureContext || !('serviceWorker' in navigator)) return false;
  const reloadedKey = 'descent-coi-reloaded';
  try {
    const registration = await navigator.serviceWorker.register(new URL('coi-sw.js', document.baseURI));
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
