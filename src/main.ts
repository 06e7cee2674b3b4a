import { mount } from 'svelte';
import App from './App.svelte';
import { initialLocale, LANG_PARAM, setLocale } from './lib/i18n';
import { ensureCrossOriginIsolation, registerServiceWorker } from './lib/io/isolation';
import './app.css';
import { app } from './lib/state/app.svelte';
import { router } from './lib/state/router.svelte';

/** `lang=` from a shared link: in the hash's query (`#/lab?…&lang=zh-CN`) or the page's own query. */
function linkLang(): string | null {
  const hashQuery = window.location.hash.split('?')[1] ?? '';
  return new URLSearchParams(hashQuery).get(LANG_PARAM) ?? new URLSearchParams(window.location.search).get(LANG_PARAM);
}

async function boot(): Promise<void> {
  // The Train view's engine: its worker starts and loads while the page mounts (main thread busy meanwhile).
  if (router.view === 'train') app.prestartEngine();
  const lang = linkLang();
  // A link's language is used for this visit; the browser remembers only what its user chooses.
  await setLocale(initialLocale(lang, navigator.languages ?? [navigator.language]), lang === null);
  mount(App, { target: document.getElementById('app')! });
}

if (window.crossOriginIsolated) {
  // The server sends the isolation headers (or the service worker already serves the page): the page starts at
  // once, and the service worker (offline copy) is registered when the first load has settled, not competing with
  // the engine and the data on a first visit.
  await boot();
  void (router.view === 'train' ? app.firstLoadSettled(30_000) : new Promise((resolve) => setTimeout(resolve, 1000))).then(() => registerServiceWorker().catch(() => null));
} else if (!(await ensureCrossOriginIsolation())) {
  // On a plain static host the page came back under the isolation service worker first (WASM threads need it);
  // here isolation is out of reach (no service worker, or it did not take): the page runs with one thread.
  await boot();
}
