import { mount } from 'svelte';
import App from './App.svelte';
import { ensureCrossOriginIsolation } from './lib/io/isolation';
import './app.css';

// On a plain static host, come back under the isolation service worker first (WASM threads need it).
if (!(await ensureCrossOriginIsolation())) mount(App, { target: document.getElementById('app')! });
