/**
 * Persistent storage: without it the browser may clear the stored runs and the cached datasets when space runs low.
 * Browsers decide themselves (Chromium grants it to installed or often-used sites, Firefox asks the user), so the
 * page asks once, when the first run is stored, and the Runs view says what the browser decided.
 */

/** Whether this site's storage is persistent (null: the browser cannot say). */
export async function storagePersisted(): Promise<boolean | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persisted) return null;
  return navigator.storage.persisted().catch(() => null);
}

let asked: Promise<boolean | null> | null = null;

/** Asks for persistent storage once per page load (later calls get the first answer). */
export function requestPersistentStorage(): Promise<boolean | null> {
  asked ??= (async () => {
    if (typeof navigator === 'undefined' || !navigator.storage?.persist) return null;
    if (await storagePersisted()) return true;
    return navigator.storage.persist().catch(() => null);
  })();
  return asked;
}
