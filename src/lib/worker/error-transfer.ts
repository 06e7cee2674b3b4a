/**
 * Keeps engine errors whole across the worker boundary. Comlink sends a thrown Error as {name, message,
 * stack} only, which would lose the code and params the page words the error by; this replaces its 'throw'
 * handler with one that also carries `code` and `params`, and rebuilds the engine error class on the other
 * side (so `instanceof DataError` still works). Plain errors and thrown non-errors travel as before.
 * Imported for its effect by both the worker and the page: both ends must register it.
 */
import * as Comlink from 'comlink';
import { DataError } from '../engine/data/errors';
import { IdxFormatError } from '../engine/data/idx';
import { EngineError, type EngineCode, type EngineCodes } from '../engine/errors';
import { ImportError } from '../engine/export/import';
import { ModelSpecError } from '../engine/models/spec';

type Thrown = { value: unknown };
type Serialized =
  | { isError: true; value: { name: string; message: string; stack?: string; code?: EngineCode; params?: EngineCodes[EngineCode] } }
  | { isError: false; value: unknown };

const CLASSES: Record<string, new (code: EngineCode, params: EngineCodes[EngineCode]) => EngineError> = {
  DataError,
  IdxFormatError,
  ImportError,
  ModelSpecError,
};

const base = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<Thrown, Serialized>;

export const engineThrowHandler: Comlink.TransferHandler<Thrown, Serialized> = {
  canHandle: (value: unknown): value is Thrown => base.canHandle(value),
  serialize(thrown: Thrown): [Serialized, Transferable[]] {
    const err = thrown.value;
    if (!(err instanceof EngineError)) return base.serialize(thrown);
    return [{ isError: true, value: { name: err.name, message: err.message, stack: err.stack, code: err.code, params: err.params } }, []];
  },
  deserialize(serialized: Serialized): Thrown {
    if (serialized.isError && serialized.value.code && serialized.value.params) {
      const { name, stack, code, params } = serialized.value;
      const err = new (CLASSES[name] ?? EngineError)(code, params);
      err.name = name;
      // The worker's stack says where it was thrown; the page's would only show this handler.
      if (stack) err.stack = stack;
      throw err;
    }
    return base.deserialize(serialized);
  },
};

Comlink.transferHandlers.set('throw', engineThrowHandler);
