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

/** The service worker (offline copy) once the first load has settled: the Train view's data in, or a second on other views. */
async function registerServiceWorkerLater(): Promise<void> {
  if (router.view === 'train') await app.firstLoadSettled(30_000);
  else await new Promise((resolve) => setTimeout(resolve, 1000));
  await registerServiceWorker().catch(() => null);
}

if (window.crossOriginIsolated) {
  // The server sends the isolation headers (or the service worker already serves the page): the page starts at
  // once, and the service worker does not compete with the engine and the data on a first visit.
  await boot();
  void registerServiceWorkerLater();
} else if (!(await ensureCrossOriginIsolation())) {
  // Not isolated: ensureCrossOriginIsolation registered the service worker and reloads under it (then the branch
  // above runs). Here it will not (no service worker, or the one reload already happened): one WASM thread.
  await boot();
}
