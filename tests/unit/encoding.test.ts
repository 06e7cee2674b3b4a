import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/engine/data/csv';
import { detectEncoding } from '../../src/lib/engine/data/encoding';
import { words } from './worded';

const fixture = (name: string) => new Uint8Array(readFileSync(resolve(import.meta.dirname, '../fixtures', name)));
const HEADER = ['花萼长度', '花萼宽度', '花瓣长度', '颜色', '品种'];

describe('text encodings of CSV files', () => {
  it('reads GBK (GB18030) from Chinese Excel/WPS with its Chinese column names and categories', () => {
    const table = parseCsv(fixture('chinese-gbk.csv'), '鸢尾.csv');
    expect(table.encoding).toBe('gb18030');
    expect(table.header).toEqual(HEADER);
    expect(new Set(table.rows.map((r) => r[4]))).toEqual(new Set(['山鸢尾', '变色鸢尾', '维吉尼亚鸢尾']));
    expect(table.rows).toHaveLength(150);
  });

  it('reads the same table saved as UTF-8 with a BOM, and without one, to the same cells', () => {
    const gbk = parseCsv(fixture('chinese-gbk.csv'), 'a.csv');
    const bom = parseCsv(fixture('chinese-utf8-bom.csv'), 'b.csv');
    const plain = parseCsv(fixture('chinese-utf8-bom.csv').subarray(3), 'c.csv');
    expect(bom.encoding).toBe('utf-8-bom');
    expect(plain.encoding).toBe('utf-8');
    expect(bom.header).toEqual(HEADER);
    expect(bom.rows).toEqual(gbk.rows);
    expect(plain.rows).toEqual(gbk.rows);
  });

  it('reads UTF-16 with a BOM (Excel "Unicode text") and Windows-1252 from old Western spreadsheets', () => {
    const text = 'name,city\nMüller,Zürich\nCafé,Besançon\n';
    const le = new Uint8Array(2 + text.length * 2);
    le.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) le[2 + 2 * i] = text.charCodeAt(i);
    const t16 = parseCsv(le, 'u16.csv');
    expect(t16.encoding).toBe('utf-16le');
    expect(t16.rows[0]).toEqual(['Müller', 'Zürich']);
    const latin = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const t1252 = parseCsv(latin, 'latin.csv');
    expect(t1252.encoding).toBe('windows-1252');
    expect(t1252.rows[1]).toEqual(['Café', 'Besançon']);
  });

  it('refuses text in another encoding (Shift-JIS) with a clear message instead of garbled names', () => {
    const bytes = fixture('shift-jis.csv');
    expect(detectEncoding(bytes)).toBeNull();
    expect(words(() => parseCsv(bytes, 'japan.csv'))).toBe(
      'japan.csv is text in an encoding Descent cannot read: it is neither UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030 nor Windows-1252. Save it again as “CSV UTF-8” and try again.',
    );
  });
});
