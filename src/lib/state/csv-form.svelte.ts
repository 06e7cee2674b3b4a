import { inferTask, type ColumnKind, type CsvProfile } from '../engine/data/csv-profile';
import type { Task } from '../engine/data/dataset';
import type { MissingPolicy } from '../engine/data/preprocessing';
import type { TabularOptions } from '../engine/data/tabular';

/** The CSV upload form: the profile of the chosen file and every choice the user made (kept across errors). */
export class CsvForm {
  fileName = $state<string | null>(null);
  profile = $state.raw<CsvProfile | null>(null);
  hasHeader = $state(true);
  target = $state(0);
  task = $state<Task>('classification');
  kinds = $state<ColumnKind[]>([]);
  missing = $state<MissingPolicy>('drop');
  testFraction = $state(0.2);
  splitSeed = $state(1);

  /** Takes a new profile. Choices made for the same columns (same file re-read) are kept. */
  setProfile(profile: CsvProfile): void {
    const sameColumns = this.profile?.fileName === profile.fileName && this.profile.columns.length === profile.columns.length;
    this.profile = profile;
    this.fileName = profile.fileName;
    this.hasHeader = profile.hasHeader;
    if (sameColumns) return;
    this.kinds = profile.columns.map((c) => c.kind);
    this.setTarget(profile.suggestedTarget);
  }

  /** Chooses the target column and infers the task from it. */
  setTarget(index: number): void {
    if (!this.profile) return;
    this.target = index;
    const column = this.profile.columns[index];
    this.task = inferTask(column);
    if (this.kinds[index] === 'ignore') this.kinds[index] = column.kind === 'ignore' ? 'categorical' : column.kind;
  }

  get missingTotal(): number {
    return this.profile ? this.profile.columns.reduce((s, c, j) => s + (this.kinds[j] === 'ignore' ? 0 : c.missing), 0) : 0;
  }

  /** The options the engine needs; the validation split and seed come from the training settings. */
  options(validationSplit: number, trainSeed: number): TabularOptions {
    return {
      target: this.target,
      task: this.task,
      kinds: [...this.kinds],
      missing: this.missing,
      testFraction: this.testFraction,
      splitSeed: this.splitSeed,
      validationSplit,
      trainSeed,
    };
  }
}
