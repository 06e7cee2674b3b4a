import { toEngineMessage } from '../engine/errors';
import { describe } from '../i18n/engine-text';

/**
 * An error's message for a notice (anything thrown, not only Errors). Engine errors, and error-like objects
 * that carry a code and params (as they arrive from the worker), are worded in the page's language.
 */
export function errorMessage(err: unknown): string {
  return describe(toEngineMessage(err));
}
