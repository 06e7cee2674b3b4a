/**
 * A problem with the user's data, with a message that says where and what (file, line, column, value).
 * Thrown by the parsers; the page shows `message` as it is.
 */
export class DataError extends Error {
  override name = 'DataError';
}
