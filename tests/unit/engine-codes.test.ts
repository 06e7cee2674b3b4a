import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/engine/data/csv';
import { DataError } from '../../src/lib/engine/data/errors';
import { ENGINE_CODES, EngineError, toEngineMessage, type EngineMessage } from '../../src/lib/engine/errors';
import { ModelSpecError } from '../../src/lib/engine/models/spec';
import { en } from '../../src/lib/i18n/en';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';
import { errorMessage } from '../../src/lib/state/errors';
import { engineThrowHandler } from '../../src/lib/worker/error-transfer';

/** Sends a thrown value through the Comlink handler as the worker would (serialise, structured clone, rethrow). */
function acrossTheBoundary(value: unknown): unknown {
  const [wire] = engineThrowHandler.serialize({ value });
  try {
    engineThrowHandler.deserialize(structuredClone(wire));
  } catch (err) {
    return err;
  }
  throw new Error('the handler did not rethrow');
}

describe('every engine code has English words', () => {
  it('the English dictionary has exactly the listed codes, each once', () => {
    expect(new Set(ENGINE_CODES).size).toBe(ENGINE_CODES.length);
    expect(Object.keys(en.engine).sort()).toEqual([...ENGINE_CODES].sort());
  });

  it('words codes with their parameters, and nested messages inside them', () => {
    expect(wordOf({ code: 'csv.ragged', params: { file: 'a.csv', line: 4, got: 1, expected: 3 } })).toBe(
      'a.csv, line 4: 1 field, but the header has 3 columns. Every row needs one value per column.',
    );
    const timeout: EngineMessage = { code: 'backend.startTimeout', params: { backend: 'webgpu', seconds: 10 } };
    expect(wordOf({ code: 'backend.noneStarted', params: { notices: [{ code: 'backend.startFailed', params: { backend: 'webgpu', problem: timeout } }] } })).toBe(
      'No TF.js backend could start: webgpu: webgpu did not start within 10 s',
    );
    expect(wordOf({ code: 'data.filled', params: { count: 12345 } })).toMatch(/^12,345 missing values were filled/);
  });

  it('a code this build does not know is shown as the code, not dropped', () => {
    expect(wordOf({ code: 'future.code', params: { n: 1 } } as unknown as EngineMessage)).toBe('future.code {"n":1}');
  });
});

describe('errorMessage words engine errors for the page', () => {
  it('an EngineError, a plain object carrying code and params, and a plain Error', () => {
    expect(errorMessage(new DataError('csv.empty', { file: 'x.csv' }))).toBe('x.csv is empty: it has no rows.');
    expect(errorMessage({ code: 'csv.headerOnly', params: { file: 'h.csv' } })).toBe('h.csv has a header row but no data rows.');
    expect(errorMessage(new Error('WebGL context lost'))).toBe('WebGL context lost');
    expect(errorMessage('just a string')).toBe('just a string');
    expect(toEngineMessage(new Error('boom'))).toEqual({ code: 'engine.failed', params: { detail: 'boom' } });
  });
});

describe('engine errors keep their code across the worker boundary', () => {
  it('a thrown DataError arrives as a DataError with its code and params', () => {
    let thrown: unknown;
    try {
      parseCsv(new TextEncoder().encode('a,b\n1,2\n3\n'), 'short.csv');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DataError);
    const arrived = acrossTheBoundary(thrown);
    expect(arrived).toBeInstanceOf(DataError);
    expect(arrived).toBeInstanceOf(EngineError);
    expect(arrived).toMatchObject({ name: 'DataError', code: 'csv.ragged', params: { file: 'short.csv', line: 3, got: 1, expected: 2 } });
    expect(errorMessage(arrived)).toBe('short.csv, line 3: 1 field, but the header has 2 columns. Every row needs one value per column.');
  });

  it('other engine errors keep their class; nested messages survive', () => {
    const arrived = acrossTheBoundary(new ModelSpecError('model.inputShape', { modelShape: [null, 4], dataset: 'Iris', dataShape: [2] }));
    expect(arrived).toBeInstanceOf(ModelSpecError);
    expect((arrived as ModelSpecError).params).toEqual({ modelShape: [null, 4], dataset: 'Iris', dataShape: [2] });
    const nested = new EngineError('tune.noBatchMeasured', { why: { code: 'tune.smallGain', params: { batch: 64 } } });
    expect(errorMessage(acrossTheBoundary(nested))).toBe('no batch size could be measured: doubling to 64 gained less than 5% throughput');
  });

  it('plain errors and thrown non-errors travel as before', () => {
    const plain = acrossTheBoundary(new TypeError('x is not a function'));
    expect(plain).toBeInstanceOf(Error);
    expect(plain).not.toBeInstanceOf(EngineError);
    expect(plain).toMatchObject({ name: 'TypeError', message: 'x is not a function' });
    expect(acrossTheBoundary({ odd: 1 })).toEqual({ odd: 1 });
  });
});

describe('the engine has no user-facing text of its own', () => {
  it('no engine file imports the page dictionary', () => {
    const root = join(__dirname, '../../src/lib/engine');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|js)$/.test(name)) files.push(path);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(50);
    const importing = files.filter((f) => /from\s+['"][./]*(?:lib\/)?i18n(?:\/|['"])/.test(readFileSync(f, 'utf8')));
    expect(importing).toEqual([]);
  });
});
