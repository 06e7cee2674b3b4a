/**
 * The engine speaks in codes: every error it throws and every note it returns is a code with plain-data
 * parameters. The page words them through `i18n` (`t.engine[code](params)`), in the user's language; the
 * engine imports no user-facing text. `EngineCodes` is the one list of codes and their parameters: the
 * type system makes every language's dictionary cover exactly these.
 */

/** Each code and the parameters its message needs (numbers, strings, lists of them). */
export interface EngineCodes {
  // Session
  'session.noDataset': Record<string, never>;
  'session.noModel': Record<string, never>;
  'session.busy': { job: 'training' | 'tuning' | 'landscape' };
  'session.superseded': Record<string, never>;
  'session.noEvaluation': Record<string, never>;
  'session.not2d': Record<string, never>;
  'session.invalidConfig': { problems: string[] };
  'session.notSequential': Record<string, never>;
  'session.backendReset': { backend: string; restored: string };
  // Generic: a failure whose text comes from a library (TF.js, the browser), passed on as it is.
  'engine.failed': { detail: string };
}

export type EngineCode = keyof EngineCodes;

/** A code and its parameters: what crosses the worker boundary for every engine error and note. */
export interface EngineMessage<K extends EngineCode = EngineCode> {
  code: K;
  params: EngineCodes[K];
}

/** An error the engine throws on purpose: `code` and `params` say what, the page says it in words. */
export class EngineError<K extends EngineCode = EngineCode> extends Error {
  override name = 'EngineError';
  constructor(
    readonly code: K,
    readonly params: EngineCodes[K],
  ) {
    super(`${code} ${JSON.stringify(params)}`);
  }

  get engineMessage(): EngineMessage<K> {
    return { code: this.code, params: this.params };
  }
}

/** Builds an engine message (a note, a notice) without throwing. */
export function engineMessage<K extends EngineCode>(code: K, params: EngineCodes[K]): EngineMessage<K> {
  return { code, params };
}

/** An error as an engine message: EngineErrors keep their code; anything else becomes `engine.failed`. */
export function toEngineMessage(err: unknown): EngineMessage {
  if (err instanceof EngineError) return err.engineMessage;
  const coded = err as { code?: unknown; params?: unknown } | null;
  if (coded && typeof coded === 'object' && typeof coded.code === 'string' && coded.params && typeof coded.params === 'object') return { code: coded.code as EngineCode, params: coded.params as EngineCodes[EngineCode] };
  return { code: 'engine.failed', params: { detail: err instanceof Error ? err.message : String(err) } };
}
