import { describe, expect, it } from 'vitest';
import { ExplosionWatch } from '../../src/lib/engine/train/reporter';

const watch = (losses: number[]) => {
  const w = new ExplosionWatch();
  for (const l of losses) w.observe(l);
  return w.exploded;
};
const repeat = (value: number, n: number) => Array<number>(n).fill(value);

describe('ExplosionWatch: a run that blows up, not a good run with a rough patch', () => {
  it('flags a loss that climbs far past its best and its start', () => {
    expect(watch([...repeat(2.3, 5), ...repeat(0.5, 200), ...repeat(30, 100)])).toBe(true);
    expect(watch([...repeat(2.3, 5), ...repeat(0.4, 200), ...repeat(2.3, 300)])).toBe(true);
  });

  it('does not flag hard batches late in a good run (best 0.008, running loss 0.03: far below the start)', () => {
    expect(watch([...repeat(2.3, 20), ...repeat(0.008, 3000), ...repeat(0.06, 150)])).toBe(false);
  });
});
