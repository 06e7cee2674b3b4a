// npm run bench [-- quick | page | tune | lenet | kernels | webgpu-kernels | race] [-- no-build] (BENCH_DIST, BENCH_PORT: build folder and port; kernels: ROUNDS, KERNEL_MODELS=mlp|lenet): trains in headless Chromium through the app's own worker and prints a table.
// Writes bench/results.json. A benchmark, not a test: numbers depend on the machine.
import { spawn, execSync } from 'node:child_process';
import { writeFileSync, existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { PRESS, pressWhenUsable } from './page-load.mjs';

const args = new Set(process.argv.slice(2));
const PORT = Number(process.env.BENCH_PORT ?? 4180);
const CHROMIUM_ARGS = [
  '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-quic', '--disable-dev-shm-usage', '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--enable-unsafe-webgpu',
];

function fmt(n) {
  return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en');
}

async function startServer() {
  const outDir = process.env.BENCH_DIST ?? 'dist';
  if (!args.has('no-build')) execSync(`npx vite build --outDir ${outDir}`, { stdio: 'ignore' });
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1', '--outDir', outDir], { stdio: 'ignore', detached: true });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/`)).ok) return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('preview server did not start');
}

async function benchPage(browser) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${PORT}/bench/page.html`);
  await page.waitForFunction(() => document.title.endsWith('ready'));
  return page;
}

async function tuneBench(browser) {
  const run = async (data, auto, base, target, minEpochs) => {
    const page = await benchPage(browser);
    try {
      return await page.evaluate((a) => window.descentBench.tuneRun(...a), [data, auto, base, target, minEpochs]);
    } finally {
      await page.close();
    }
  };
  const describe = (name, r, target) => {
    const at3 = r.epochs.find((e) => e.epoch === 3);
    console.log(
      `${name.padEnd(34)} | ${r.optimizer} lr ${r.learningRate} batch ${r.batchSize} ${r.schedule}`.padEnd(78) +
        ` | ${r.reachedSeconds === null ? `not reached (${(r.finalAccuracy * 100).toFixed(2)}% after ${r.epochs.length} epochs)` : `${r.reachedSeconds.toFixed(1)} s, epoch ${r.reachedEpoch}`}` +
        ` | ${at3 ? (at3.testAccuracy * 100).toFixed(2) + '%' : '–'} | ${r.tunerSeconds.toFixed(1)} s`,
    );
  };
  console.log('\nTime to 97% test accuracy on MNIST (classic MLP), same backend, tuner time included in Auto');
  console.log('contender                          | settings used                                                    | wall-clock to target | acc. after 3 epochs | tuner');
  const target = 0.97;
  // Three rounds, defaults and Auto alternating, so that a slow moment of the machine does not decide it.
  const rounds = [];
  for (let i = 0; i < 3; i++) {
    const defaults = await run('mnist', false, {}, target, 3);
    describe(`(a) defaults: Adam 0.001, batch 32 #${i + 1}`, defaults);
    const auto = await run('mnist', true, {}, target, 3);
    describe(`(b) Auto #${i + 1}`, auto);
    console.log(`    batch finder: ${auto.decided.rows.map((r) => `${r.batchSize}: ${r.samplesPerSec.toLocaleString('en')}/s`).join(', ')}; noise scale ${Math.round(auto.decided.noiseScale ?? NaN)}`);
    const ratio = auto.reachedSeconds && defaults.reachedSeconds ? auto.reachedSeconds / defaults.reachedSeconds : null;
    rounds.push({ defaults, auto, ratio });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratios = rounds.map((r) => r.ratio ?? Infinity);
  const ratio = median(ratios);
  const { defaults, auto } = rounds[ratios.indexOf(ratio)];
  console.log(`Auto / defaults wall-clock: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${ratio.toFixed(2)} (target ≤ 0.50)`);
  const bad = [];
  console.log('\nAuto from deliberately bad starting points (must still converge)');
  for (const [data, lr, tgt] of [['mnist', 10, 0.97], ['mnist', 1e-6, 0.97], ['spiral', 10, 0.95], ['spiral', 1e-6, 0.95]]) {
    const r = await run(data, true, { optimizer: 'sgd', learningRate: lr, epochs: data === 'mnist' ? 10 : 40 }, tgt, 1);
    describe(`Auto on ${data} from SGD at ${lr}`, r);
    bad.push({ data, startLr: lr, target: tgt, ...r });
  }
  return { defaults, auto, ratio, rounds, bad };
}

/** PyTorch on this CPU (Debian's python3-torch with OpenBLAS, one thread), when installed; `lenet` for the CNN. */
function nativeReference(batchSizes, lenet = false) {
  try {
    execSync('/usr/bin/python3 -c "import torch"', { stdio: 'ignore' });
  } catch {
    return null;
  }
  const out = execSync(`/usr/bin/python3 bench/reference.py ${lenet ? '--lenet ' : ''}${batchSizes.join(' ')}`, { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } }).toString();
  return JSON.parse(out.trim().split('\n').at(-1));
}

/** Navigation to the first training step, and frame times of the page while it trains (requestAnimationFrame). */
async function pageResponsiveness(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // The page presses Train itself once it is enabled and notes when the loss shows (as in page-load.mjs).
  await context.addInitScript(pressWhenUsable, PRESS.Train);
  const visits = [];
  for (const visit of ['first visit', 'second visit (backend choice cached)']) {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.waitForFunction(() => window.__pageBench?.done != null, null, { timeout: 60_000 });
    const firstStepMs = await page.evaluate(() => window.__pageBench.done);
    const frames = await page.evaluate(async () => {
      const deltas = [];
      // Main-thread tasks over 50 ms while measuring: were missed frames the page's own work, or CPU taken by others?
      const longTasks = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: 'longtask' });
      let last = performance.now();
      await new Promise((resolve) => {
        const end = last + 5000;
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      observer.disconnect();
      deltas.sort((a, b) => a - b);
      const q = (p) => deltas[Math.min(deltas.length - 1, Math.floor(p * deltas.length))];
      return { p50: q(0.5), p95: q(0.95), frames: deltas.length, max: deltas.at(-1), longTasks: longTasks.length, longTaskMs: longTasks.reduce((a, b) => a + b, 0) };
    });
    visits.push({ visit, firstStepMs, ...frames });
    await page.close();
  }
  await context.close();
  return visits;
}

/**
 * Our WASM kernels against TF.js's own, in one process: rounds that alternate TF.js's kernels, ours on one
 * thread, ours on every core, and PyTorch on one thread, for the MLP and the LeNet-style CNN (medians printed).
 */
async function kernelsBench(browser, rounds) {
  const contenders = [
    { name: "TF.js's kernels", kernels: { own: false, threads: 1 } },
    { name: 'ours, 1 thread', kernels: { own: true, threads: 1 } },
    { name: 'ours, all cores', kernels: { own: true, threads: 0 } },
  ];
  // KERNEL_MODELS=mlp (or lenet): only that model, so more rounds fit in the same time.
  const models = [
    { model: 'mlp', sizes: [32, 128, 512], ms: 2000 },
    { model: 'lenet', sizes: [32, 128], ms: 2000 },
  ].filter((m) => !process.env.KERNEL_MODELS || process.env.KERNEL_MODELS.split(',').includes(m.model));
  const samples = {};
  const add = (key, v) => (samples[key] ??= []).push(v);
  let threadsSeen = 1;
  let isolated = false;
  for (let round = 0; round < rounds; round++) {
    for (const { model, sizes, ms } of models) {
      for (const c of contenders) {
        const page = await benchPage(browser);
        try {
          const r = await page.evaluate((a) => window.descentBench.throughput(...a), ['wasm', sizes, ms, false, model, c.kernels]);
          if (c.kernels.threads === 0) threadsSeen = r.kernels?.threads ?? 1;
          isolated = r.isolated;
          for (const row of r.rows) add(`${model}/${c.name}/${row.batchSize}`, row.ours);
        } finally {
          await page.close();
        }
      }
      const native = nativeReference(sizes, model === 'lenet');
      for (const row of native?.rows ?? []) add(`${model}/PyTorch/${row.batchSize}`, row.samplesPerSec);
    }
  }
  const median = (xs) => (xs?.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : null);
  const table = [];
  console.log(`\nOur WASM kernels vs TF.js's own, samples/s of our loop (median of ${rounds} alternating rounds; page ${isolated ? 'isolated' : 'NOT isolated'}, all cores = ${threadsSeen} threads)`);
  console.log("model | batch | TF.js's kernels | ours, 1 thread | ours, all cores | ours 1 / TF.js | all / 1 thread | PyTorch 1 thread | ours 1 / PyTorch");
  for (const { model, sizes } of models) {
    for (const b of sizes) {
      const [tfjs, one, all, torch] = [...contenders.map((c) => c.name), 'PyTorch'].map((n) => median(samples[`${model}/${n}/${b}`]));
      table.push({ model, batchSize: b, tfjs, ours1: one, oursAll: all, threads: threadsSeen, pytorch: torch });
      const ratio = (x, y) => (x && y ? (x / y).toFixed(2) : '–');
      console.log(`${model.padEnd(5)} | ${String(b).padStart(5)} | ${fmt(tfjs).padStart(15)} | ${fmt(one).padStart(14)} | ${fmt(all).padStart(15)} | ${ratio(one, tfjs).padStart(14)} | ${ratio(all, one).padStart(14)} | ${fmt(torch).padStart(16)} | ${torch ? ((100 * one) / torch).toFixed(1) + '%' : '–'}`);
    }
  }
  return { rounds, isolated, threads: threadsSeen, samples, table };
}

/** A bench of its own: the app's server and a browser for `run`, its result written to bench/results-<name>.json. */
async function standalone(name, run) {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const r = await run(browser);
    writeFileSync(new URL(`./results-${name}.json`, import.meta.url), JSON.stringify({ date: new Date().toISOString(), ...r }, null, 2));
  } finally {
    await browser.close();
    try {
      process.kill(-server.pid);
    } catch {}
  }
  process.exit(0);
}

// `npm run bench -- kernels`: only the table of our kernels against TF.js's and PyTorch.
if (args.has('kernels')) await standalone('kernels', (browser) => kernelsBench(browser, Number(process.env.ROUNDS ?? 3)));

// `npm run bench -- webgpu-kernels`: our WebGPU kernels (fused Adam, the fused Dense pass) against TF.js's, per
// shape class. On a software adapter (SwiftShader) the numbers say little about a real GPU.
if (args.has('webgpu-kernels')) {
  await standalone('webgpu-kernels', async (browser) => {
    const page = await benchPage(browser);
    const r = await page.evaluate((a) => window.descentBench.webgpuKernels(...a), [Number(process.env.REPS ?? 5), Number(process.env.ROUNDS ?? 5)]);
    if (!r.rows) {
      console.log(`WebGPU did not start (${r.backend}: ${r.detail ?? ''})`);
      return r;
    }
    console.log(`\nOur WebGPU kernels vs TF.js's (${r.detail ?? 'webgpu'}): ms per call, best of ${process.env.ROUNDS ?? 5} alternating rounds; Dense = one forward + backward of the layer, Adam = one step of a variable`);
    console.log("shape class                     | ours ms | TF.js's ms | TF.js's / ours | transposes materialised ms | used");
    for (const row of r.rows) {
      console.log(`${row.shapeClass.padEnd(31)} | ${row.oursMs.toFixed(2).padStart(7)} | ${row.tfjsMs.toFixed(2).padStart(10)} | ${(row.tfjsMs / row.oursMs).toFixed(2).padStart(14)} | ${row.explicitMs === undefined ? '–'.padStart(26) : row.explicitMs.toFixed(2).padStart(26)} | ${row.choice}`);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log("\nClassic MLP, our training loop on WebGPU, samples/s (median of alternating rounds; every round in brackets)");
    console.log("batch | TF.js's kernels       | ours everywhere       | as measured above     | ours / TF.js's | measured / TF.js's");
    const cell = (xs) => `${fmt(median(xs))} (${xs.map(fmt).join(', ')})`.padEnd(21);
    for (const m of r.mlp) console.log(`${String(m.batchSize).padStart(5)} | ${cell(m.runs.tfjs)} | ${cell(m.runs.ours)} | ${cell(m.runs.measured)} | ${(median(m.runs.ours) / median(m.runs.tfjs)).toFixed(2).padStart(14)} | ${(median(m.runs.measured) / median(m.runs.tfjs)).toFixed(2)}`);
    return r;
  });
}

// `npm run bench -- race`: Race mode's proof (bench/race.mjs).
if (args.has('race')) {
  const { raceBench } = await import('./race.mjs');
  await standalone('race', (browser) => raceBench(browser, PORT));
}

// `npm run bench -- lenet`: the LeNet-style CNN on full MNIST (bench/lenet.mjs starts its own server).
if (args.has('lenet')) {
  const { runLenetBench } = await import('./lenet.mjs');
  const r = await runLenetBench({});
  writeFileSync(new URL('./results-lenet.json', import.meta.url), JSON.stringify(r, null, 2));
  process.exit(0);
}

const server = await startServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const results = { date: new Date().toISOString(), machine: `${(await import('node:os')).cpus()[0].model}, ${(await import('node:os')).cpus().length} cores`, backends: [], fullRun: null };
try {
  if (args.has('tune')) {
    results.tune = await tuneBench(browser);
  } else {
  if (!args.has('page')) {
  console.log('\nThroughput of the classic MNIST MLP (784-128-10, Adam), samples/s after warm-up');
  console.log('backend  | batch | ours (custom loop) | plain model.fit | ours/fit | one epoch of 60,000');
  for (const backend of (process.env.BACKENDS ?? 'wasm,webgl,webgpu,cpu').split(',')) {
    const page = await benchPage(browser);
    try {
      const r = await page.evaluate(([b]) => window.descentBench.throughput(b, [32, 128, 512], 3000, true), [backend]);
      results.backends.push({ requested: backend, ...r });
      if (r.backend !== backend) {
        console.log(`${backend.padEnd(8)} | did not start here (${r.notices.join('; ')})`);
        continue;
      }
      for (const row of r.rows) {
        console.log(`${backend.padEnd(8)} | ${String(row.batchSize).padStart(5)} | ${fmt(row.ours).padStart(18)} | ${fmt(row.fit).padStart(15)} | ${(row.ours / row.fit).toFixed(2).padStart(8)} | ${(60000 / row.ours).toFixed(1)} s`);
      }
    } catch (err) {
      console.log(`${backend.padEnd(8)} | failed: ${err.message.split('\n')[0]}`);
      results.backends.push({ requested: backend, error: err.message });
    } finally {
      await page.close();
    }
  }

  if (!args.has('quick')) {
    console.log('\nThroughput of the LeNet-style CNN (conv 6@5×5, pool, conv 16@5×5, pool, 120, 84, 10; Adam), samples/s, our loop');
    console.log('backend  | batch 32 | batch 128 | batch 512');
    results.lenet = [];
    for (const backend of (process.env.BACKENDS ?? 'wasm,webgl,webgpu,cpu').split(',')) {
      const page = await benchPage(browser);
      try {
        const r = await Promise.race([
          page.evaluate(([b]) => window.descentBench.throughput(b, [32, 128, 512], 2000, false, 'lenet'), [backend]),
          new Promise((_, reject) => setTimeout(() => reject(new Error('did not finish within 3 minutes')), 180_000)),
        ]);
        results.lenet.push({ requested: backend, ...r });
        if (r.backend !== backend) console.log(`${backend.padEnd(8)} | did not start here`);
        else console.log(`${backend.padEnd(8)} | ${r.rows.map((row) => fmt(row.ours).padStart(row.batchSize === 32 ? 8 : 9)).join(' | ')}`);
      } catch (err) {
        console.log(`${backend.padEnd(8)} | ${err.message.split('\n')[0]}`);
        results.lenet.push({ requested: backend, error: err.message });
      } finally {
        await page.close();
      }
    }
  }

  console.log('\nWhere one training step goes (classic MLP, batch 128, tf.profile; kernel ms per step, share of the kernels\' total; on WASM the whole-step kernel\'s parts, timed by it)');
  results.profiles = [];
  for (const backend of (process.env.BACKENDS ?? 'wasm,webgl,webgpu,cpu').split(',')) {
    const page = await benchPage(browser);
    try {
      const r = await page.evaluate(([b]) => window.descentBench.profile(b, 128), [backend]);
      if (r.backend !== backend) continue;
      results.profiles.push(r);
      const total = r.kernels.reduce((a, k) => a + k.ms, 0);
      const top = r.kernels.slice(0, 4).map((k) => `${k.kernel} ×${Math.round(k.calls)} ${k.ms.toFixed(2)} ms (${Math.round((100 * k.ms) / Math.max(total, 1e-9))}%)`);
      console.log(`${backend.padEnd(8)} | ${r.wallMs.toFixed(1)} ms/step, ${Math.round(r.kernelCount)} kernels, ${total.toFixed(1)} ms in kernels | ${top.join(', ')}`);
    } catch (err) {
      console.log(`${backend.padEnd(8)} | profile failed: ${err.message.split('\n')[0]}`);
    } finally {
      await page.close();
    }
  }

  const wasm = results.backends.find((b) => b.backend === 'wasm' && b.requested === 'wasm');
  const native = nativeReference([32, 128, 512]);
  results.native = native;
  if (native) {
    console.log(`\nNative reference: PyTorch ${native.torch} + OpenBLAS, ${native.threads} thread, same MLP and Adam`);
    console.log('batch | PyTorch samples/s | ours (wasm) | ours / native | plain TF.js fit / native');
    for (const row of native.rows) {
      const o = wasm?.rows.find((r) => r.batchSize === row.batchSize);
      console.log(`${String(row.batchSize).padStart(5)} | ${fmt(row.samplesPerSec).padStart(17)} | ${fmt(o?.ours).padStart(11)} | ${o ? ((100 * o.ours) / row.samplesPerSec).toFixed(1) + '%' : '–'} | ${o?.fit ? ((100 * o.fit) / row.samplesPerSec).toFixed(1) + '%' : '–'}`);
    }
  } else {
    console.log('\nNative reference skipped: /usr/bin/python3 has no torch (apt-get install -y python3-torch libopenblas0-pthread).');
  }

  }
  if (args.has('page')) {
    // Per route: bytes and workers of a first visit, and times on a network throttled to 10 Mbit/s (bench/page-load.mjs).
    const { pageLoadBench } = await import('./page-load.mjs');
    results.pageLoad = await pageLoadBench(browser, PORT);
  }
  console.log('\nPage while training (default model, automatic backend)');
  results.page = await pageResponsiveness(browser);
  for (const v of results.page) console.log(`${v.visit}: first training step ${(v.firstStepMs / 1000).toFixed(2)} s after navigation; frame time p50 ${v.p50.toFixed(1)} ms, p95 ${v.p95.toFixed(1)} ms, longest ${v.max.toFixed(0)} ms (${v.frames} frames in 5 s); main-thread tasks over 50 ms: ${v.longTasks} (${v.longTaskMs.toFixed(0)} ms)`);

  if (!args.has('quick') && !args.has('page')) {
    console.log('\nFull run at the defaults (Adam 0.001, batch 32, 10 epochs, validation 0.1) on the automatic backend…');
    const page = await benchPage(browser);
    const r = await page.evaluate(() => window.descentBench.fullRun({}));
    await page.close();
    results.fullRun = r;
    for (const e of r.epochs) console.log(`  epoch ${e.epoch}: ${e.seconds.toFixed(1)} s, val. accuracy ${(e.valAccuracy * 100).toFixed(2)}%`);
    console.log(`backend ${r.backend}: ${r.result.seconds.toFixed(1)} s in all, test accuracy ${(r.testAccuracy * 100).toFixed(2)}% on 10,000 test images`);
  }
  }
} finally {
  await browser.close();
  process.kill(-server.pid);
}
const out = args.has('tune') ? './results-tune.json' : './results.json';
writeFileSync(new URL(out, import.meta.url), JSON.stringify(results, null, 2));
console.log(`\nwrote bench/${out.slice(2)}`);
