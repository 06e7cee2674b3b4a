/**
 * The run charts with 100,000 steps: feeds the real RunState with 'steps' events as the worker sends
 * them (30 steps each, one per frame) and records frame gaps and uPlot draw times at several sizes.
 * Open with the dev server: `npx vite` then /bench/charts.html; the result is written into #result.
 */
import { mount, tick } from 'svelte';
import RunCharts from '../src/lib/ui/RunCharts.svelte';
import { RunState } from '../src/lib/state/run.svelte';
import '../src/app.css';

const PER_EVENT = 30;
const run = new RunState();
run.reset();
run.apply({ kind: 'start', epochs: 1, stepsPerEpoch: 200_000, batchSize: 32, trainCount: 6_400_000, valCount: 0 });
mount(RunCharts, { target: document.getElementById('charts')!, props: { run } });

let step = 0;
function event(n: number) {
  const loss = new Float32Array(n).map((_, i) => 2 * Math.exp(-(step + i) / 20_000) + 0.3 * Math.random());
  run.apply({
    kind: 'steps',
    firstStep: step,
    loss,
    accuracy: new Float32Array(n).map(() => Math.random()),
    learningRate: new Float32Array(n).fill(0.001),
    gradNorm: new Float32Array(n).map(() => 1 + Math.random()),
    epoch: 1,
    stepInEpoch: step + n,
    samplesPerSec: 1000,
  });
  step += n;
}

const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
const drawMs = () => ['loss-chart', 'lr-chart', 'grad-chart'].reduce((s, id) => s + Number((document.querySelector(`[data-testid=${id}]`) as HTMLElement).dataset.drawMs ?? 0), 0);

/** 120 frames with one 30-step event each, at the current size. */
async function measure(): Promise<string> {
  const gaps: number[] = [];
  const draws: number[] = [];
  const work: number[] = [];
  let last = await frame();
  for (let i = 0; i < 120; i++) {
    event(PER_EVENT);
    await tick();
    const now = await frame();
    const t0 = performance.now();
    // The charts' own frame callbacks and uPlot's microtask commit run before this timeout.
    await new Promise((r) => setTimeout(r));
    work.push(performance.now() - t0);
    gaps.push(now - last);
    last = now;
    draws.push(drawMs());
  }
  const mean = (a: number[]) => (a.reduce((x, y) => x + y, 0) / a.length).toFixed(1);
  const q = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.floor(p * (a.length - 1))].toFixed(1);
  return `${step.toLocaleString('en')} points: main-thread work per frame mean ${mean(work)} ms, p95 ${q(work, 0.95)} ms; uPlot paint (3 charts) median ${q(draws, 0.5)} ms, p95 ${q(draws, 0.95)} ms; frames median ${q(gaps, 0.5)} ms, p95 ${q(gaps, 0.95)} ms`;
}

const lines: string[] = [];
for (const target of [1_000, 10_000, 50_000, 100_000]) {
  while (step < target - 120 * PER_EVENT) event(5_000);
  lines.push(await measure());
}
const out = document.getElementById('result')!;
out.textContent = lines.join(' | ');
out.dataset.done = '1';
