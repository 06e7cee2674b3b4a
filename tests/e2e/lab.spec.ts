import { expect, test, type Page } from '@playwright/test';

/** The panel's number format, written out again here: 4 decimals, − for minus. */
const fmt = (v: number) => (v === 0 ? '0' : v.toFixed(4).replace('-', '−'));
const pair = (p: number[]) => `(${fmt(p[0])}, ${fmt(p[1])})`;

async function row(page: Page, id: string): Promise<{ text: string; value: number[] }> {
  const el = page.getByTestId(`theta-${id}`);
  const value = ((await el.getAttribute('data-value')) ?? '').split(',').map(Number);
  return { text: (await el.locator('td').textContent()) ?? '', value };
}

test('a lab link opens its lesson; five Steps show the expected numbers in the θ panel', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./#/lab?s=quadratic&k=4&start=2,1&on=sgd,momentum,adam&lr=sgd:0.1,momentum:0.05,adam:0.3&mu=0.8&sel=momentum');
  await expect(page.getByTestId('lab-formula')).toHaveText('L(θ) = ½ (θ₁² + κ·θ₂²)');
  await expect(page.getByTestId('theta-theta')).toContainText('(2.0000, 1.0000)');
  for (let i = 0; i < 5; i++) await page.getByTestId('lab-step').click();
  await expect(page.getByTestId('lab-step-count')).toHaveAttribute('data-value', '5');

  // Momentum on L = ½(θ₁² + 4θ₂²), worked out here: v := μv + ∇L(θ); θ := θ − αv.
  const grad = (t: number[]) => [t[0], 4 * t[1]];
  let theta = [2, 1];
  let v = [0, 0];
  let before = theta;
  let g = grad(theta);
  for (let s = 0; s < 5; s++) {
    before = theta;
    g = grad(theta);
    v = [0.8 * v[0] + g[0], 0.8 * v[1] + g[1]];
    theta = [theta[0] - 0.05 * v[0], theta[1] - 0.05 * v[1]];
  }
  await expect(page.getByTestId('theta-panel')).toContainText('Step t = 5 of Momentum');
  expect((await row(page, 'theta')).text).toBe(pair(before));
  expect((await row(page, 'grad')).text).toBe(pair(g));
  expect((await row(page, 'lr')).text).toBe('0.0500');
  expect((await row(page, 'mu')).text).toBe('0.8000');
  expect((await row(page, 'velocity')).text).toBe(pair(v));
  const next = await row(page, 'new-theta');
  expect(next.text).toBe(pair(theta));
  next.value.forEach((x, i) => expect(x).toBeCloseTo(theta[i], 12));

  // Adam's moments, for the same five steps (TF.js defaults β₁ 0.9, β₂ 0.999, ε 1e-7; TF.js keeps
  // β₁ᵗ and β₂ᵗ in float32 variables, multiplied once a step, hence Math.fround).
  await page.getByRole('radio', { name: 'Adam' }).check();
  let a = [2, 1];
  let m = [0, 0];
  let s2 = [0, 0];
  let mHat = [0, 0];
  let vHat = [0, 0];
  let [p1, p2] = [Math.fround(0.9), Math.fround(0.999)];
  for (let t = 1; t <= 5; t++) {
    const ga = grad(a);
    m = m.map((x, i) => 0.9 * x + 0.1 * ga[i]);
    s2 = s2.map((x, i) => 0.999 * x + 0.001 * ga[i] ** 2);
    mHat = m.map((x) => x / (1 - p1));
    vHat = s2.map((x) => x / (1 - p2));
    a = a.map((x, i) => x - (0.3 * mHat[i]) / (Math.sqrt(vHat[i]) + 1e-7));
    [p1, p2] = [Math.fround(p1 * Math.fround(0.9)), Math.fround(p2 * Math.fround(0.999))];
  }
  await expect(page.getByTestId('theta-panel')).toContainText('Step t = 5 of Adam');
  await expect(page.getByTestId('theta-m-hat').locator('th')).toHaveText('m̂ = m / (1 − β₁⁵)');
  for (const [id, expected] of [['m', m], ['v', s2], ['m-hat', mHat], ['v-hat', vHat], ['new-theta', a]] as const) {
    const r = await row(page, id);
    expect(r.text, id).toBe(pair(expected));
    r.value.forEach((x, i) => expect(x, id).toBeCloseTo(expected[i], 10));
  }

  // The URL still holds the lesson (plus the panel's new choice), so a reload restores it.
  expect(page.url()).toContain('s=quadratic');
  expect(page.url()).toContain('start=2%2C1');
  expect(page.url()).not.toContain('sel=');
  await page.reload();
  await expect(page.getByTestId('lab-formula')).toHaveText('L(θ) = ½ (θ₁² + κ·θ₂²)');
  await expect(page.getByTestId('lab-lr-momentum')).toHaveValue('0.05');
  await expect(page.getByRole('radio', { name: 'Adam' })).toBeChecked();
  expect(errors).toEqual([]);
});

test('keys step, play and reset; a diverging rate is said in words; a click moves the start', async ({ page }, info) => {
  await page.goto('./#/lab?s=quadratic&lr=sgd:0.25');
  await expect(page.getByTestId('lab-surface')).toBeVisible();
  await page.getByRole('heading', { name: 'Descent lab' }).click();
  for (let i = 0; i < 3; i++) await page.keyboard.press(' ');
  await expect(page.getByTestId('lab-step-count')).toHaveAttribute('data-value', '3');
  await page.keyboard.press('r');
  await expect(page.getByTestId('lab-step-count')).toHaveAttribute('data-value', '0');
  await page.keyboard.press('p');
  await expect(page.getByTestId('lab-play')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => Number(await page.getByTestId('lab-step-count').getAttribute('data-value'))).toBeGreaterThan(10);
  await page.keyboard.press('p');
  await expect(page.getByTestId('lab-play')).toHaveAttribute('aria-pressed', 'false');
  // α·κ = 2.5 > 2 for SGD on the κ = 10 bowl: it must diverge, and the page says so.
  await expect(page.getByTestId('lab-status-sgd')).toContainText(/diverg/);
  await page.screenshot({ path: info.outputPath('lab.png'), fullPage: true });
  await info.attach('lab', { path: info.outputPath('lab.png'), contentType: 'image/png' });

  // Clicking the middle of the plot moves the start to about (0, 0) and restarts every path there.
  const box = (await page.getByTestId('lab-surface').boundingBox())!;
  await page.getByTestId('lab-surface').click({ position: { x: 46 + (box.width - 58) / 2, y: 10 + (box.width - 58) / 2 } });
  await expect(page.getByTestId('lab-step-count')).toHaveAttribute('data-value', '0');
  const start = new URL(page.url()).hash.match(/start=([^&]+)/)?.[1];
  const [sx, sy] = decodeURIComponent(start ?? '').split(',').map(Number);
  expect(Math.abs(sx)).toBeLessThan(0.1);
  expect(Math.abs(sy)).toBeLessThan(0.1);
});

test('a damaged link still opens and says what it could not use', async ({ page }) => {
  await page.goto('./#/lab?s=volcano&lr=adam:-3');
  await expect(page.getByTestId('lab-link-error')).toHaveCount(2);
  await expect(page.getByTestId('lab-link-error').first()).toContainText('"s=volcano"');
  await expect(page.getByTestId('lab-formula')).toContainText('100');
});

test('a 2-D spiral trains with its decision boundary redrawn live; the loss landscape computes, cancels, and shows the path', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./#/train');
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('synthetic-kind').selectOption('spiral');
  await page.getByTestId('synthetic-size').fill('300');
  await page.getByTestId('synthetic-load').click();
  await expect(page.getByTestId('dataset-size')).toContainText('300 training and 75 test examples');
  await expect(page.getByTestId('total-params')).toHaveText('4,482');
  const boundary = page.getByTestId('boundary-canvas');
  await expect(boundary).toHaveAttribute('data-draws', /\d+/);

  // Every redraw is recorded with the run's status at that moment: "live" means drawn while running.
  await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="boundary-canvas"]')!;
    const status = () => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-status');
    const seen: string[] = ((window as unknown as { __draws: string[] }).__draws = []);
    new MutationObserver(() => seen.push(`${status()}@${Math.round(performance.now())}`)).observe(canvas, { attributeFilter: ['data-draws'] });
  });
  await page.getByTestId('epochs').fill('100');
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  // Redrawn while training (100 epochs of 300 examples last two to three seconds on WASM; the map is
  // asked for at most every 300 ms and served between steps) and once more for the final model.
  const draws = () => page.evaluate(() => (window as unknown as { __draws: string[] }).__draws);
  await expect.poll(async () => (await draws()).filter((d) => d.startsWith('done')).length).toBeGreaterThanOrEqual(1);
  console.log('boundary redraws (status@ms):', (await draws()).join(' '));
  expect((await draws()).filter((d) => d.startsWith('training')).length).toBeGreaterThanOrEqual(2);
  await expect(boundary).toHaveAttribute('data-classes', '2');
  const colours = await boundary.evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const seen = new Set<string>();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i] >> 5},${data[i + 1] >> 5},${data[i + 2] >> 5}`);
    return seen.size;
  });
  expect(colours).toBeGreaterThan(8);
  // The per-step and per-epoch charts have their points.
  await expect.poll(async () => Number(await page.getByTestId('grad-chart').getAttribute('data-points'))).toBeGreaterThan(100);
  await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-points', '100');
  await boundary.screenshot({ path: info.outputPath('spiral-boundary.png') });
  await info.attach('spiral decision boundary', { path: info.outputPath('spiral-boundary.png'), contentType: 'image/png' });

  // A grid too coarse to show anything is refused with a message.
  await page.getByTestId('landscape-size').fill('7');
  await page.getByTestId('landscape-compute').click();
  await expect(page.getByRole('alert').filter({ hasText: 'Grid points per side must be a number from 25 to 101.' })).toBeVisible();

  // A big grid, cancelled once it has started.
  await page.getByTestId('landscape-size').fill('101');
  await page.getByTestId('landscape-compute').click();
  await expect.poll(async () => Number(await page.getByTestId('landscape-progress').getAttribute('value'))).toBeGreaterThan(0);
  await page.getByTestId('landscape-cancel').click();
  await expect(page.getByText('Cancelled; the weights are back where they were.')).toBeVisible();
  await expect(page.getByTestId('train')).toBeEnabled();

  // The top two principal components of the 100-epoch path, on a 25 × 25 grid.
  await page.getByTestId('landscape-pca').check();
  await page.getByTestId('landscape-size').fill('25');
  await page.getByTestId('landscape-compute').click();
  await expect(page.getByTestId('landscape-done')).toContainText('625 evaluations of 300 examples, 4,482 parameters', { timeout: 60_000 });
  await expect(page.getByTestId('landscape-canvas')).toHaveAttribute('data-size', '25');
  // The path: the weights at the start and at the end of each of the 100 epochs.
  await expect(page.getByTestId('landscape-canvas')).toHaveAttribute('data-path-points', '101');
  expect(errors).toEqual([]);
});
