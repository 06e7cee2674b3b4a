import type { EngineMessage } from '../engine/errors';
import { t } from './index';

/**
 * An engine message (error, note, notice) in the active language's words. A string is passed through: runs
 * stored before the engine spoke in codes hold their halt and error messages in English.
 */
export function describe(message: EngineMessage | string): string {
  if (typeof message === 'string') return message;
  const say = t.engine[message.code] as ((p: EngineMessage['params']) => string) | undefined;
  // A code from another build (a stored run record, a newer worker) has no text here: show the code itself.
  return say ? say(message.params) : `${message.code} ${JSON.stringify(message.params)}`;
}
