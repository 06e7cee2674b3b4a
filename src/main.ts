import { mount } from 'svelte';
import App from './App.svelte';
import { initialLocale, LANG_PARAM, setLocale } from './lib/i18n';
import { ensureCrossOriginIsolation } from './lib/io/isolation';
import './app.css';
import { app } from './lib/state/app.svelte';
import { router } from './lib/state/router.svelte';

/** `lang=` from a shared link: in the hash's query (`#/lab?…&lang=zh-CN`) or the page's own query. */
function linkLang(): string | null {
  const hashQuery = window.location.hash.split('?')[1] ?? '';
  return new URLSearchParams(hashQuery).get(LANG_PARAM) ?? new URLSearchParams(window.location.search).get(LANG_PARAM);
}

// On a plain static host, come back under the isolation service worker first (WASM threads need it).
if (!(await ensureCrossOriginIsolation())) {
  // The Train view's engine: its worker starts and loads while the page mounts (main thread busy meanwhile).
  if (router.view === 'train') app.prestartEngine();
  const lang = linkLang();
  // A link's language is used for this visit; the browser remembers only what its user chooses.
  await setLocale(initialLocale(lang, navigator.languages ?? [navigator.language]), lang === null);
  mount(App, { target: document.getElementById('app')! });
}
