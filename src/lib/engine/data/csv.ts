import Papa from 'papaparse';
import type { EngineMessage } from '../errors';
import { DataError } from './errors';
import { LIMITS } from './limits';
import { detectEncoding, type DecodedText, type TextEncodingName } from './encoding';
import { describeBinary, hasNulByte } from './sniff';

/** A parsed delimited text file: every cell as text, with the line each row starts on. */
export interface CsvTable {
  fileName: string;
  /** The text encoding the file was read in (named to the user). */
  encoding: TextEncodingName;
  delimiter: string;
  /** Column names (from the header row, or "column 1" … when there is none). */
  header: string[];
  hasHeader: boolean;
  /** What the header heuristic said (the user may override it). */
  detectedHeader: boolean;
  /** Data rows (without the header), each with `header.length` cells. */
  rows: string[][];
  /** 1-based line in the file where each data row starts (for messages). */
  lines: Uint32Array;
  /** Remarks for the user (e.g. that no header was found). */
  notes: EngineMessage[];
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

/** True for the usual spellings of a missing value: empty, NA, N/A, NaN, null, None, "?". */
export function isMissing(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const COMMA_DECIMAL = /^[-+]?\d+,\d+$/;

/** The cell as a number, or NaN. With `decimalComma` (";"-separated files) "3,5" reads as 3.5. */
export function parseNumber(cell: string, decimalComma = false): number {
  const s = cell.trim();
  if (NUMBER.test(s)) return Number(s);
  if (decimalComma && COMMA_DECIMAL.test(s)) return Number(s.replace(',', '.'));
  return NaN;
}

/**
 * Decodes the file's text (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK, Windows-1252; see
 * `detectEncoding`) and says which encoding it was. Binary files and text in any other encoding are refused.
 */
export function decodeText(bytes: Uint8Array, fileName: string): DecodedText {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const binary = utf16 ? null : describeBinary(bytes);
  if (binary || (!utf16 && hasNulByte(bytes))) throw new DataError('csv.notText', { file: fileName, format: binary });
  const decoded = detectEncoding(bytes);
  if (!decoded) throw new DataError('csv.encoding', { file: fileName });
  return decoded;
}

/**
 * A header row holds names, not values: it is one when some column has a text first cell above numbers,
 * or when no first cell is a number and none of the first cells appears again in its column.
 */
export function detectHeader(rows: string[][], decimalComma: boolean): boolean {
  const [first, ...rest] = rows;
  const sample = rest.slice(0, 1000);
  const numeric = (s: string) => !Number.isNaN(parseNumber(s, decimalComma));
  if (first.every((c) => numeric(c) || isMissing(c))) return false;
  const textAboveNumbers = first.some((c, j) => !numeric(c) && !isMissing(c) && sample.some((r) => numeric(r[j] ?? '')) && sample.every((r) => numeric(r[j] ?? '') || isMissing(r[j] ?? '')));
  if (textAboveNumbers) return true;
  return !first.some(numeric) && !first.some((c, j) => sample.some((r) => r[j] === c));
}

function guessDelimiter(text: string, fileName: string): string {
  if (/\.tsv$/i.test(fileName)) return '\t';
  const guess = Papa.parse<string[]>(text.slice(0, 65536), { preview: 50, delimitersToGuess: [',', '\t', ';', '|'] });
  return guess.meta.delimiter || ',';
}

/** Rows of the file, skipping blank lines, each with the line it starts on. */
function readRows(text: string, delimiter: string, fileName: string): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  let prevCursor = 0;
  let line = 1;
  Papa.parse<string[]>(text, {
    delimiter,
    step: (result) => {
      const quoteError = result.errors.find((e) => e.code === 'MissingQuotes' || e.code === 'InvalidQuotes');
      if (quoteError) throw new DataError('csv.badQuotes', { file: fileName, line });
      const row = result.data;
      if (!(row.length === 1 && row[0].trim() === '')) {
        rows.push(row);
        lines.push(line);
      }
      for (let i = prevCursor; i < result.meta.cursor; i++) if (text.charCodeAt(i) === 10) line++;
      prevCursor = result.meta.cursor;
    },
  });
  return { rows, lines };
}

/**
 * Parses a CSV/TSV file (delimiter guessed among , tab ; |) into text cells.
 * `hasHeader` overrides the header heuristic. Throws DataError for an empty, binary, ragged or oversized file.
 */
export function parseCsv(data: ArrayBuffer | Uint8Array, fileName: string, hasHeader?: boolean): CsvTable {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length > LIMITS.csvBytes) {
    throw new DataError('data.tooLarge', { file: fileName, bytes: bytes.length, limit: LIMITS.csvBytes, kind: 'csv' });
  }
  const { text, encoding } = decodeText(bytes, fileName);
  if (text.trim() === '') throw new DataError('csv.empty', { file: fileName });
  const delimiter = guessDelimiter(text, fileName);
  const { rows, lines } = readRows(text, delimiter, fileName);
  const detectedHeader = rows.length > 1 ? detectHeader(rows, delimiter === ';') : true;
  const useHeader = hasHeader ?? detectedHeader;
  const width = rows[0].length;
  const notes: EngineMessage[] = [];
  let header: string[];
  if (useHeader) {
    header = uniqueNames(rows[0].map((h, j) => h.trim() || `column ${j + 1}`));
  } else {
    header = Array.from({ length: width }, (_, j) => `column ${j + 1}`);
    if (!detectedHeader) notes.push({ code: 'csv.noHeader', params: { file: fileName, first: rows[0].join(delimiter === '\t' ? ' ' : delimiter), columns: width } });
  }
  const start = useHeader ? 1 : 0;
  if (rows.length <= start) throw new DataError('csv.headerOnly', { file: fileName });
  for (let i = start; i < rows.length; i++) {
    if (rows[i].length !== width) throw new DataError('csv.ragged', { file: fileName, line: lines[i], got: rows[i].length, expected: width });
  }
  return {
    fileName,
    encoding,
    delimiter,
    header,
    hasHeader: useHeader,
    detectedHeader,
    rows: rows.slice(start),
    lines: Uint32Array.from(lines.slice(start)),
    notes,
  };
}

/** Makes repeated column names distinct ("x", "x (2)"). */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}
