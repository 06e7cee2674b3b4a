import { Rng } from '../rng';
import { featureSize, type Dataset, type Task } from './dataset';

/**
 * Random examples of a given shape: enough to time training steps (throughput does not depend on the
 * values) in a worker that has no copy of the user's data, e.g. the backend measurement beside the trainer.
 */
export function placeholderDataset(inputShape: number[], numClasses: number, task: Task, count = 2048, seed = 1): Dataset {
  const size = featureSize(inputShape);
  const rng = new Rng(seed);
  const x = new Float32Array(count * size);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const y = task === 'classification' ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) y[i] = task === 'classification' ? rng.int(numClasses) : rng.next();
  const test = { x: x.subarray(0, size), y: y.subarray(0, 1), count: 1 };
  return {
    id: `placeholder-${inputShape.join('x')}-${numClasses}`,
    name: 'random examples (timing only)',
    task,
    inputShape,
    numClasses,
    classNames: Array.from({ length: numClasses }, (_, i) => String(i)),
    xScale: 1,
    train: { x, y, count },
    test,
    source: 'generated for timing',
  };
}
