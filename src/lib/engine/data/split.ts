import { EngineError } from '../errors';
import { Rng } from '../rng';

/**
 * A seeded train/test split of `count` examples. With `labels` (classification) it is stratified: each
 * class keeps its share in both parts, so a small dataset's test set still has every class.
 * Returns index lists in random order.
 */
export function trainTestSplit(count: number, testFraction: number, seed: number, labels?: ArrayLike<number>): { train: Uint32Array; test: Uint32Array } {
  if (!(testFraction > 0 && testFraction < 1)) throw new EngineError('data.badTestFraction', { value: testFraction });
  const rng = new Rng(seed ^ 0x7e57);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const key = labels ? labels[i] : 0;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(i);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const members = groups.get(key)!;
    const order = rng.permutation(new Uint32Array(members.length));
    const testCount = members.length > 1 ? Math.max(1, Math.round(members.length * testFraction)) : 0;
    order.forEach((o, k) => (k < testCount ? test : train).push(members[o]));
  }
  const shuffle = (list: number[]) => {
    const order = rng.permutation(new Uint32Array(list.length));
    return Uint32Array.from(order, (o) => list[o]);
  };
  return { train: shuffle(train), test: shuffle(test) };
}
