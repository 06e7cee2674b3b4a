import type { IdxDatasetInfo } from './mnist';
import { MNIST_INFO } from './mnist';
import type { SyntheticKind } from './synthetic';

export const FASHION_MNIST_INFO: IdxDatasetInfo = {
  id: 'fashion-mnist',
  name: 'Fashion-MNIST',
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  source: 'H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST" (2017), Zalando SE (MIT)',
};

/** A built-in dataset: static files under `data/` (read through the same parsers as user files) or a generator. */
export type CatalogEntry =
  | { kind: 'idx'; id: string; group: 'images'; dir: string; info: IdxDatasetInfo }
  | { kind: 'table'; id: string; group: 'tables'; name: string; file: string; source: string; /** A regression target (the picker says so). */ regression?: boolean }
  | { kind: 'generator'; id: string; group: 'generated'; synth: SyntheticKind };

const UCI = 'UCI Machine Learning Repository (CC BY 4.0), via scikit-learn';

export const CATALOG: readonly CatalogEntry[] = [
  { kind: 'idx', id: 'mnist', group: 'images', dir: 'data/mnist', info: MNIST_INFO },
  { kind: 'idx', id: 'fashion-mnist', group: 'images', dir: 'data/fashion-mnist', info: FASHION_MNIST_INFO },
  { kind: 'table', id: 'iris', group: 'tables', name: 'Iris', file: 'iris.csv', source: `R. A. Fisher (1936); ${UCI}` },
  { kind: 'table', id: 'wine', group: 'tables', name: 'Wine', file: 'wine.csv', source: UCI },
  { kind: 'table', id: 'breast-cancer', group: 'tables', name: 'Breast cancer (Wisconsin)', file: 'breast-cancer.csv', source: UCI },
  { kind: 'table', id: 'digits8x8', group: 'tables', name: 'Digits 8×8', file: 'digits8x8.csv', source: UCI },
  { kind: 'table', id: 'diabetes', group: 'tables', name: 'Diabetes', regression: true, file: 'diabetes.csv', source: 'Efron et al., "Least Angle Regression" (2004), via scikit-learn' },
  ...(['spiral', 'circles', 'xor', 'gaussian', 'linear'] as const).map((synth) => ({ kind: 'generator' as const, id: `gen-${synth}`, group: 'generated' as const, synth })),
];

/** One entry of `data/tabular/meta.json`. */
export interface TableMeta {
  task: 'classification' | 'regression';
  features: string[];
  target: string;
  target_names?: string[];
}
