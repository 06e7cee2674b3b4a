import { EngineError, type EngineCode } from '../errors';

/**
 * A problem with the user's data: a code with the file, line, column and value as parameters.
 * Thrown by the parsers; the page words it (`describe`).
 */
export class DataError<K extends EngineCode = EngineCode> extends EngineError<K> {
  override name = 'DataError';
}
