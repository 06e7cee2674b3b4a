import type { EvaluationReport } from '../engine/train/report';
import type { EvaluationState as TestResult } from '../engine/session/snapshot';
import { app } from './app.svelte';
import { errorMessage } from './errors';

/** Test examples to show: their indices, and pixels (images) or text (table rows, feature values). */
export interface Examples {
  indices: number[];
  images: Uint8Array | null;
  rows: string[];
}

/** Examples shown for one confusion-matrix cell. */
export const CELL_LIMIT = 64;

/**
 * The evaluation views' state: the report of the last test evaluation, the examples of the clicked
 * confusion-matrix cell, and the worst mistakes. Loaded once per test result.
 */
export class EvaluationViews {
  report = $state.raw<EvaluationReport | null>(null);
  error = $state<string | null>(null);
  cell = $state<{ actual: number; predicted: number } | null>(null);
  cellExamples = $state.raw<Examples | null>(null);
  worst = $state.raw<Examples | null>(null);
  private loadedFor: TestResult | null = null;

  clear(): void {
    this.report = null;
    this.cell = null;
    this.cellExamples = null;
    this.worst = null;
    this.error = null;
    this.loadedFor = null;
  }

  /** Fetches the report (and the worst mistakes' examples) for a new test result. */
  async load(test: TestResult): Promise<void> {
    if (this.loadedFor === test) return;
    this.clear();
    this.loadedFor = test;
    try {
      const report = await app.api.train.report();
      if (this.loadedFor !== test) return;
      this.report = report;
      this.worst = await this.examples(report.worst);
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** Shows the test examples whose true class is `actual` and prediction `predicted` (a confusion-matrix cell). */
  async select(actual: number, predicted: number): Promise<void> {
    const report = this.report;
    if (report?.kind !== 'classification') return;
    this.cell = { actual, predicted };
    const indices: number[] = [];
    for (let i = 0; i < report.count && indices.length < CELL_LIMIT; i++) {
      if (report.labels[i] === actual && report.predicted[i] === predicted) indices.push(i);
    }
    const examples = await this.examples(indices);
    if (this.cell?.actual === actual && this.cell.predicted === predicted) this.cellExamples = examples;
  }

  private async examples(indices: number[]): Promise<Examples> {
    const isImage = app.dataset?.preview.kind === 'images';
    if (indices.length === 0) return { indices, images: null, rows: [] };
    if (isImage) return { indices, images: await app.api.data.images({ split: 'test', indices }), rows: [] };
    return { indices, images: null, rows: await app.api.data.testRowText({ indices }) };
  }
}

export const evaluation = new EvaluationViews();
