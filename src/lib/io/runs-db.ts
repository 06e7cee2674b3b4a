/**
 * Runs in IndexedDB, through a small promise wrapper over the plain API (no library: a few calls).
 * Used from the worker (checkpoints at epoch end) and from the page (list, rename, delete). Two stores:
 * `runs` (RunRecord by id) and `checkpoints` (weights by "<runId>/<last|best>"), written together.
 */
import { StorageFullError, savedName, type CheckpointKind, type RunClaim, type RunStore, type StoredCheckpoint } from '../engine/runs/store';
import type { RunRecord } from '../engine/runs/record';
import { claimRun } from './run-locks';

const DB_NAME = 'descent';
const DB_VERSION = 1;
const RUNS = 'runs';
const CHECKPOINTS = 'checkpoints';

interface CheckpointRow extends StoredCheckpoint {
  key: string;
}

let opening: Promise<IDBDatabase> | undefined;

function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(CHECKPOINTS)) db.createObjectStore(CHECKPOINTS, { keyPath: 'key' }).createIndex('runId', 'runId');
    };
    req.onsuccess = () => {
      // Another tab upgrading the schema: let it, and reopen next time.
      req.result.onversionchange = () => {
        req.result.close();
        opening = undefined;
      };
      resolve(req.result);
    };
    req.onerror = () => {
      opening = undefined;
      reject(new Error(`IndexedDB is not available: ${req.error?.message ?? 'unknown error'}`));
    };
  });
  return opening;
}

function isQuotaError(err: DOMException | null | undefined): boolean {
  return !!err && (err.name === 'QuotaExceededError' || /quota/i.test(err.message));
}

/** Runs `work` in one transaction; resolves when it commits, with `work`'s result. */
async function transact<T>(stores: string[], mode: IDBTransactionMode, work: (tx: IDBTransaction) => T | Promise<T>): Promise<T> {
  const db = await openDb();
  const tx = db.transaction(stores, mode);
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    const fail = () =>
      reject(isQuotaError(tx.error) ? new StorageFullError('The browser storage quota is exhausted.') : new Error(`Storage failed: ${tx.error?.message ?? 'transaction aborted'}`));
    tx.onerror = fail;
    tx.onabort = fail;
  });
  let result: T;
  try {
    result = await work(tx);
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    await done.catch(() => {});
    throw err;
  }
  await done;
  return result;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

const checkpointKey = (runId: string, kind: CheckpointKind) => `${runId}/${kind}`;

/**
 * The RunStore the worker records runs in. A name the user changed meanwhile is kept (`savedName`).
 * A run is held with a Web Lock (`claimRun`), so one tab at a time records it.
 */
export class IdbRunStore implements RunStore {
  async saveRun(record: RunRecord, checkpoints: StoredCheckpoint[]): Promise<void> {
    await transact([RUNS, CHECKPOINTS], 'readwrite', async (tx) => {
      const runs = tx.objectStore(RUNS);
      const stored = (await request(runs.get(record.id))) as RunRecord | undefined;
      record.name = savedName(record, stored);
      runs.put(record);
      for (const c of checkpoints) tx.objectStore(CHECKPOINTS).put({ ...c, key: checkpointKey(c.runId, c.kind) } satisfies CheckpointRow);
    });
  }

  claim(runId: string): Promise<RunClaim | null> {
    return claimRun(runId);
  }
}

export async function listRuns(): Promise<RunRecord[]> {
  const runs = await transact([RUNS], 'readonly', (tx) => request(tx.objectStore(RUNS).getAll() as IDBRequest<RunRecord[]>));
  return runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

export function getRun(id: string): Promise<RunRecord | undefined> {
  return transact([RUNS], 'readonly', (tx) => request(tx.objectStore(RUNS).get(id) as IDBRequest<RunRecord | undefined>));
}

export async function getCheckpoint(runId: string, kind: CheckpointKind): Promise<StoredCheckpoint | undefined> {
  const row = await transact([CHECKPOINTS], 'readonly', (tx) => request(tx.objectStore(CHECKPOINTS).get(checkpointKey(runId, kind)) as IDBRequest<CheckpointRow | undefined>));
  return row && { runId: row.runId, kind: row.kind, epoch: row.epoch, files: row.files };
}

/** Changes some fields of a stored run (name, status, test metrics); returns the updated record. */
export function updateRun(id: string, patch: Partial<Pick<RunRecord, 'name' | 'status' | 'test' | 'checkpointBytes'>>): Promise<RunRecord | undefined> {
  return transact([RUNS], 'readwrite', async (tx) => {
    const runs = tx.objectStore(RUNS);
    const stored = (await request(runs.get(id))) as RunRecord | undefined;
    if (!stored) return undefined;
    const updated = { ...stored, ...patch, updatedAt: new Date().toISOString() };
    runs.put(updated);
    return updated;
  });
}

/** Deletes a run's weights but keeps its record (metrics, curves): frees most of its space. */
export async function deleteCheckpoints(id: string): Promise<void> {
  await transact([RUNS, CHECKPOINTS], 'readwrite', async (tx) => {
    const store = tx.objectStore(CHECKPOINTS);
    store.delete(checkpointKey(id, 'last'));
    store.delete(checkpointKey(id, 'best'));
    const runs = tx.objectStore(RUNS);
    const stored = (await request(runs.get(id))) as RunRecord | undefined;
    if (stored) runs.put({ ...stored, checkpointBytes: 0 });
  });
}

export async function deleteRun(id: string): Promise<void> {
  await transact([RUNS, CHECKPOINTS], 'readwrite', (tx) => {
    tx.objectStore(RUNS).delete(id);
    tx.objectStore(CHECKPOINTS).delete(checkpointKey(id, 'last'));
    tx.objectStore(CHECKPOINTS).delete(checkpointKey(id, 'best'));
  });
}

/** Bytes used and available to this origin, when the browser says. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  if (!navigator.storage?.estimate) return null;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  return { usage, quota };
}
