/**
 * Which text encoding a CSV/TSV file is in. Files come from Excel, WPS, Numbers or scripts: UTF-8 with or
 * without a byte-order mark, UTF-16 with one (Excel's "Unicode text"), GB18030/GBK (Chinese Excel and WPS
 * save "CSV" in it) and Windows-1252 (old Western spreadsheets). A decoding is accepted only when it is
 * valid and reads as text of that kind; anything else is refused rather than shown garbled.
 */
export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

/** Share of the non-ASCII characters that must look like the script an encoding is for. */
const PLAUSIBLE = 0.9;

function decode(label: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Share of the multi-byte characters of GB18030 bytes that lie in GB2312's rows (lead 0xA1–0xF7, trail
 * 0xA1–0xFE): the common Chinese characters and full-width punctuation. Real Chinese text is almost all
 * there; Shift-JIS (lead bytes 0x81–0x9F, 0xE0–0xEF, trail bytes down to 0x40) mostly is not.
 */
function commonChineseShare(bytes: Uint8Array): number {
  let total = 0;
  let common = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i];
    if (lead < 0x80) continue;
    const trail = bytes[i + 1] ?? 0;
    total++;
    if (trail >= 0x30 && trail <= 0x39) {
      i += 3; // a four-byte GB18030 sequence: rare characters
      continue;
    }
    if (lead >= 0xa1 && lead <= 0xf7 && trail >= 0xa1 && trail <= 0xfe) common++;
    i++;
  }
  return total === 0 ? 1 : common / total;
}

/** Latin letters with accents and the punctuation Windows-1252 adds (€ ’ “ ” – — … £ ° µ). */
function isWestern(code: number): boolean {
  return (code >= 0xc0 && code <= 0xff && code !== 0xd7 && code !== 0xf7) || (code >= 0xa0 && code <= 0xbf) || (code >= 0x2013 && code <= 0x2026) || code === 0x20ac;
}

/**
 * Western text read as Windows-1252: its non-ASCII characters are accented letters or punctuation, mostly
 * alone between ASCII letters ("café", "Müller"). Text of a multi-byte encoding read this way turns into
 * runs of symbols instead.
 */
function readsAsWestern(text: string): boolean {
  let total = 0;
  let good = 0;
  let inRuns = 0;
  let run = 0;
  const endRun = () => {
    if (run >= 3) inRuns += run;
    run = 0;
  };
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      endRun();
      continue;
    }
    total++;
    run++;
    if (isWestern(code)) good++;
  }
  endRun();
  return total === 0 || (good / total >= PLAUSIBLE && inRuns / total < 1 - PLAUSIBLE);
}

/** The file's text and the encoding it was read in, or null when it is none of the supported ones. */
export function detectEncoding(bytes: Uint8Array): DecodedText | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = decode('utf-8', bytes.subarray(3));
    return text === null ? null : { text, encoding: 'utf-8-bom' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = decode('utf-16le', bytes.subarray(2));
    return text === null ? null : { text, encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = decode('utf-16be', bytes.subarray(2));
    return text === null ? null : { text, encoding: 'utf-16be' };
  }
  const utf8 = decode('utf-8', bytes);
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8' };
  const chinese = decode('gb18030', bytes);
  if (chinese !== null && commonChineseShare(bytes) >= PLAUSIBLE) return { text: chinese, encoding: 'gb18030' };
  // Windows-1252 decodes every byte; accept it only when the result reads as Western text.
  const western = new TextDecoder('windows-1252').decode(bytes);
  if (readsAsWestern(western)) return { text: western, encoding: 'windows-1252' };
  return null;
}
