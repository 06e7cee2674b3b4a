/**
 * Read-only calls into the trainer worker's API (`api.train.report`, `api.data.testRowText`, …) made the way
 * the page makes them: a comlink APPLY message dispatched inside the worker. The reply is taken before it
 * is posted, so the page (which never asked) does not see it. Typed arrays come back as plain arrays.
 */
import type { Page } from '@playwright/test';

export async function callWorker<T>(page: Page, path: string[], options?: unknown): Promise<T> {
  const trainer = page.workers().find((w) => w.url().includes('trainer.worker'));
  if (!trainer) throw new Error(`no trainer worker among ${page.workers().map((w) => w.url()).join(', ')}`);
  const reply = await trainer.evaluate(
    async ({ path, args }) => {
      const scope = self as unknown as { postMessage(message: unknown, transfer?: Transferable[]): void };
      const id = `e2e-${path.join('.')}-${Math.random().toString(36).slice(2)}`;
      const send = scope.postMessage.bind(scope);
      const answer = new Promise<{ type: string; name?: string; value?: unknown }>((resolve) => {
        scope.postMessage = (message, transfer) => {
          const m = message as { id?: string; type: string; name?: string; value?: unknown };
          if (m?.id !== id) return send(message, transfer);
          scope.postMessage = send;
          resolve(m);
        };
      });
      self.dispatchEvent(new MessageEvent('message', { data: { id, type: 'APPLY', path, argumentList: args.map((value) => ({ type: 'RAW', value })) } }));
      const m = await answer;
      const plain = (v: unknown): unknown =>
        ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
      if (m.type === 'HANDLER' && m.name === 'throw') {
        const thrown = (m.value as { value?: { message?: string } }).value;
        return { ok: false as const, message: String(thrown?.message ?? JSON.stringify(thrown)) };
      }
      return { ok: true as const, value: plain(m.value) };
    },
    { path, args: options === undefined ? [] : [options] },
  );
  if (!reply.ok) throw new Error(`worker call ${path.join('.')} failed: ${reply.message}`);
  return reply.value as T;
}

/** Per-example test predictions of the held model, from the app's own last test evaluation. */
export type TestReport =
  | { kind: 'classification'; count: number; accuracy: number; labels: number[]; predicted: number[] }
  | { kind: 'regression'; count: number; r2: number; actual: number[]; predicted: number[] };

export const testReport = (page: Page) => callWorker<TestReport>(page, ['train', 'report']);

/** The original cells of test rows, joined with ", " (tables only). */
export const testRowText = (page: Page, count: number) => callWorker<string[]>(page, ['data', 'testRowText'], { indices: Array.from({ length: count }, (_, i) => i) });

/** Raw uint8 pixels of test images at the model's size, concatenated. */
export const testImages = (page: Page, indices: number[]) => callWorker<number[]>(page, ['data', 'images'], { split: 'test', indices });
