/**
 * Escapers for the languages the export bundle writes (HTML, Markdown, Python). Every value that comes
 * from a model card (names the user typed, an imported card) goes through one of these, so no value can
 * become markup or code. Pure string functions: they run in the worker and in Node tests.
 */

/** HTML text or a double/single-quoted attribute value: the five characters that can end either. */
export function htmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Markdown inline text: the characters that start a link or image, emphasis, strikethrough, a code span,
 * a table cell, a heading, an HTML tag or an entity get a backslash (CommonMark lets any ASCII punctuation
 * be escaped), and line breaks become spaces so a value cannot start a new block (list, heading, fence).
 */
export function mdText(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/[\\`*_{}[\]()<>#|!~&]/g, (c) => `\\${c}`);
}

/**
 * Markdown code span: a backtick run longer than any inside the value, padded with spaces when the value
 * starts or ends with a backtick (CommonMark's rule); line breaks become spaces.
 */
export function mdCode(s: string): string {
  const flat = s.replace(/[\r\n\u2028\u2029]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A double-quoted Python string literal that Python reads back as `s`: backslash escapes for `\` and `"`,
 * \n \r \t, \xNN for other control characters, and \uXXXX / \UXXXXXXXX for everything outside printable
 * ASCII (so the literal is pure ASCII and cannot hold a line break, a quote or a BOM that ends it).
 */
export function pyStr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp < 0x100) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** A Python number literal; refuses anything but a finite number (NaN, Infinity or a string would become code). */
export function pyNum(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`pyNum: not a finite number: ${String(n)}`);
  // JS and Python read the same decimal/exponent form (`1e-7`, `0.001`, `-3`); -0 prints as 0.
  return Object.is(n, -0) ? '0' : String(n);
}

/** A Python int literal; refuses non-integers. */
export function pyInt(n: number): string {
  if (!Number.isSafeInteger(n)) throw new TypeError(`pyInt: not a safe integer: ${String(n)}`);
  return String(n);
}

/** A Python literal of plain data: None, True/False, numbers, strings and lists of them. */
export function pyLit(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNum(v);
  if (typeof v === 'string') return pyStr(v);
  if (Array.isArray(v)) return `[${v.map(pyLit).join(', ')}]`;
  throw new TypeError(`pyLit: no Python literal for ${typeof v}`);
}

/**
 * Fills `{{KEY}}` placeholders of a template in one pass with a replacer function, so `$&`, `$'` and `` $` ``
 * in a value stay literal, and a value that itself holds `{{KEY}}` is not filled again. Every placeholder
 * must have a value (a missing one is a bug in the caller, not data).
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, key)) throw new Error(`fillTemplate: no value for {{${key}}}`);
    return values[key];
  });
}
