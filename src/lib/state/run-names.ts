/** A new run's id: sortable by time, unique across tabs. */
export function newRunId(now = new Date()): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `run-${now.getTime().toString(36)}-${random}`;
}

/** A new run's default name, e.g. "MNIST · Classic MLP · 14:03:27". The user can rename it in Runs. */
export function runName(datasetName: string, modelName: string, now = new Date()): string {
  const time = now.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${datasetName} · ${modelName} · ${time}`;
}
