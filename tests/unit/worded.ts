/** Test helpers: what an engine error or note says in English, through the page's dictionary. */
import { EngineError, type EngineMessage } from '../../src/lib/engine/errors';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';

/** The engine message of what `fn` throws; fails when it throws nothing or a plain Error. */
export function thrown(fn: () => unknown): EngineMessage {
  try {
    fn();
  } catch (err) {
    if (err instanceof EngineError) return err.engineMessage;
    throw err;
  }
  throw new Error('expected an EngineError, nothing was thrown');
}

/** The engine message a promise rejects with. */
export async function rejected(promise: Promise<unknown>): Promise<EngineMessage> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof EngineError) return err.engineMessage;
    throw err;
  }
  throw new Error('expected an EngineError, the promise resolved');
}

/** What `fn` throws, in English. */
export const words = (fn: () => unknown): string => wordOf(thrown(fn));

/** What a promise rejects with, in English. */
export const rejectedWords = async (promise: Promise<unknown>): Promise<string> => wordOf(await rejected(promise));

/** Notes in English. */
export const worded = (notes: readonly EngineMessage[]): string[] => notes.map(wordOf);
