import { resolve } from 'node:path';
import { expect, test, type Browser, type Locator, type Page, type TestInfo } from '@playwright/test';

/**
 * Classroom-ready (issue 14): every view at a phone's 390×844 and, in projector mode, at 1024×768 and
 * 1280×720 has no sideways scroll and shows its essentials without scrolling; axe-core finds no serious or
 * critical violation on any view; lesson and experiment links reproduce what they carry. Screenshots of each
 * view at each size are kept as test artifacts.
 */
const AXE = resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');
const VIEWS = ['train', 'lab', 'runs'] as const;

async function open(browser: Browser, width: number, height: number, projector: boolean): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, permissions: ['clipboard-read', 'clipboard-write'] });
  await context.addInitScript((on) => localStorage.setItem('descent.projector', on ? '1' : '0'), projector);
  return context.newPage();
}

/** Notices (an engine fallback, a link's note) come and go; the layout is measured without them. */
async function dismissNotices(page: Page): Promise<void> {
  for (const button of await page.getByRole('button', { name: 'Dismiss' }).all()) await button.click().catch(() => {});
}

async function noSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll, `${what}: the page scrolls sideways`).toBeLessThanOrEqual(width);
}

/** The element lies wholly inside the viewport with the page scrolled to the top. */
async function inFirstScreen(page: Page, locator: Locator, what: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await locator.boundingBox({ timeout: 15_000 });
  const size = page.viewportSize()!;
  expect(box, `${what} is not shown`).not.toBeNull();
  expect(box!.x, `${what}: left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.y, `${what}: top edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what}: right edge`).toBeLessThanOrEqual(size.width + 0.5);
  expect(box!.y + box!.height, `${what}: bottom edge`).toBeLessThanOrEqual(size.height + 0.5);
}

async function axe(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
    const result = await w.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe on ${what}`).toEqual([]);
}

async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: info.outputPath(`${name}.png`) });
}

/** Shows `view`; `query` (an experiment link's) opens the Train view on other data than MNIST, which loads faster. */
async function showView(page: Page, view: (typeof VIEWS)[number], query = ''): Promise<void> {
  await page.goto(`./#/${view}${query ? `?${query}` : ''}`);
  if (view === 'train') await expect(page.getByTestId('train')).toBeEnabled({ timeout: 60_000 });
  if (view === 'lab') await expect(page.getByTestId('lab-surface')).toBeVisible();
  if (view === 'runs') await expect(page.getByTestId('runs-card')).toBeVisible();
  await dismissNotices(page);
}

async function essentials(page: Page, view: (typeof VIEWS)[number], what: string): Promise<void> {
  if (view === 'train') {
    await inFirstScreen(page, page.getByTestId('train'), `${what}: Train`);
    await inFirstScreen(page, page.getByTestId('progress'), `${what}: progress`);
    if (page.viewportSize()!.width > 600) await inFirstScreen(page, page.getByTestId('loss-chart'), `${what}: loss chart`);
  } else if (view === 'lab') {
    if (page.viewportSize()!.width > 600) {
      await inFirstScreen(page, page.getByTestId('lab-surface'), `${what}: surface`);
      for (const id of ['lab-opt-sgd', 'lab-opt-momentum', 'theta-panel']) await inFirstScreen(page, page.getByTestId(id), `${what}: ${id}`);
    }
    await inFirstScreen(page, page.getByTestId('lab-step'), `${what}: Step`);
  } else await inFirstScreen(page, page.locator('#runs-card-title'), `${what}: runs`);
}

test.describe.configure({ mode: 'serial' });

test('projector mode at 1280×720 and 1024×768: every view fits, chart text ≥ 18 px, axe finds nothing serious; keys and lesson links', async ({ browser }, info) => {
  // One page for both sizes (the engine starts once); the view is shown again after each resize.
  const page = await open(browser, 1280, 720, true);
  for (const [width, height] of [[1280, 720], [1024, 768]]) {
    await page.setViewportSize({ width, height });
    for (const view of VIEWS) {
      await showView(page, view);
      await expect(page.locator('html')).toHaveClass(/projector/);
      const what = `${view} at ${width}×${height} (projector)`;
      await noSidewaysScroll(page, what);
      await essentials(page, view, what);
      await shot(page, info, `${view}-${width}x${height}-projector`);
      if (width === 1280) await axe(page, what);
    }
    if (width === 1280) {
      // Chart text in projector mode: the loss chart's legend and the Lab's axes (drawn at 12 × 1.5).
      await showView(page, 'train');
      const legend = await page.getByTestId('loss-chart').locator('.u-legend').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      expect(legend).toBeGreaterThanOrEqual(18);
    }
  }

  // Space steps even when an optimizer's checkbox has focus (it does not un-tick it).
  await page.goto('./#/lab?s=quadratic');
  const sgd = page.getByTestId('lab-opt-sgd').getByRole('checkbox');
  await sgd.click();
  await sgd.click();
  await expect(sgd).toBeChecked();
  await sgd.focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Space');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('lab-step-count')).toHaveAttribute('data-value', '3');
  await expect(sgd).toBeChecked();
  await expect(sgd).toBeFocused();

  // A lesson link carries the steps; projector mode only when the teacher ticks it.
  await page.getByTestId('lab-copy-link').click();
  const plain = await page.evaluate(() => navigator.clipboard.readText());
  expect(plain).toContain('step=3');
  expect(plain).not.toContain('projector');
  await page.getByTestId('lab-link-projector').check();
  await page.getByTestId('lab-copy-link').click();
  const teacher = await page.evaluate(() => navigator.clipboard.readText());
  expect(teacher).toContain('projector=1');
  await page.context().close();
  for (const [link, projector] of [[plain, false], [teacher, true]] as const) {
    const student = await open(browser, 1280, 720, false);
    await student.goto(link);
    await expect(student.getByTestId('lab-step-count')).toHaveAttribute('data-value', '3');
    await expect(student.getByTestId('theta-panel')).toContainText('Step t = 3');
    if (projector) await expect(student.locator('html')).toHaveClass(/projector/);
    else await expect(student.locator('html')).not.toHaveClass(/projector/);
    await student.context().close();
  }
});

test('phone 390×844: Train and the test accuracy in the first screen, a 10-class matrix scrolls in its card, the export dialog fits, axe finds nothing serious', async ({ browser }, info) => {
  const page = await open(browser, 390, 844, false);
  for (const view of VIEWS) {
    // Ten classes: the digits table, two epochs (opened by an experiment link).
    await showView(page, view, view === 'train' ? 'data=digits8x8&preset=classicMlp&epochs=2' : '');
    const what = `${view} at 390×844`;
    await noSidewaysScroll(page, what);
    await essentials(page, view, what);
    await shot(page, info, `${view}-390x844`);
    await axe(page, what);
  }
  await showView(page, 'train');
  await expect(page.getByTestId('dataset-picker')).toHaveValue('digits8x8');
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-result')).toBeVisible({ timeout: 60_000 });
  await dismissNotices(page);
  await inFirstScreen(page, page.getByTestId('train-result'), 'test accuracy beside Train');
  expect(Number(await page.getByTestId('train-result').getAttribute('data-value'))).toBeGreaterThan(0.5);
  await expect(page.getByTestId('confusion-matrix')).toHaveAttribute('data-classes', '10');
  await noSidewaysScroll(page, 'train at 390×844 with a 10-class confusion matrix');
  await shot(page, info, 'train-390x844-after-run');
  await axe(page, 'train at 390×844 after a run');
  await page.getByTestId('export-bundle').click();
  await expect(page.getByTestId('export-dialog')).toBeVisible();
  await inFirstScreen(page, page.getByTestId('export-close'), 'the export dialog\'s Close');
  await page.screenshot({ path: info.outputPath('export-dialog-390x844.png') });
  await page.getByTestId('export-close').click();
  await expect(page.getByTestId('export-dialog')).toBeHidden();
  await page.context().close();
});

test('a copied experiment link reproduces the setup in a new context, and with the same seed and backend the same loss curve', async ({ browser }) => {
  const teacher = await open(browser, 1280, 900, false);
  // The teacher starts from the 2-D spiral (a link, so MNIST never loads), then picks circles in the form.
  await showView(teacher, 'train', 'data=gen-spiral');
  await teacher.getByTestId('backend-select').selectOption('cpu');
  await expect(teacher.getByTestId('backend-name')).toHaveAttribute('data-backend', 'cpu', { timeout: 60_000 });
  await teacher.getByTestId('dataset-picker').selectOption('gen-circles');
  await expect(teacher.getByTestId('train')).toBeEnabled({ timeout: 60_000 });
  await expect(teacher.getByTestId('epochs')).toHaveValue('40');
  await teacher.getByTestId('epochs').fill('3');
  await teacher.getByTestId('learning-rate').fill('0.02');
  await teacher.getByTestId('seed').fill('5');
  await teacher.getByTestId('copy-experiment').click();
  const link = await teacher.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/#\/train\?data=gen-circles&.*epochs=3/);
  expect(link).toContain('lang=en');
  await teacher.getByTestId('train').click();
  await expect(teacher.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const teacherLoss = await teacher.getByTestId('loss-now').getAttribute('data-smoothed');

  const student = await open(browser, 1280, 900, false);
  await student.goto(link);
  await expect(student.getByTestId('train')).toBeEnabled({ timeout: 60_000 });
  await expect(student.getByTestId('dataset-picker')).toHaveValue('gen-circles');
  await expect(student.getByTestId('epochs')).toHaveValue('3');
  await expect(student.getByTestId('learning-rate')).toHaveValue('0.02');
  await expect(student.getByTestId('seed')).toHaveValue('5');
  await student.getByTestId('backend-select').selectOption('cpu');
  await expect(student.getByTestId('backend-name')).toHaveAttribute('data-backend', 'cpu', { timeout: 60_000 });
  await student.getByTestId('train').click();
  await expect(student.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  expect(await student.getByTestId('loss-now').getAttribute('data-smoothed')).toBe(teacherLoss);
  await teacher.context().close();
  await student.context().close();
});
