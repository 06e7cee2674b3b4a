/**
 * Which tab owns a run, with the Web Locks API: a tab's training worker holds `descent-run:<id>` while
 * it records the run (`RunStore.claim`). Locks are shared by every tab and worker of the origin and
 * released by the browser when the holder goes away (tab closed, reloaded, crashed), so "running and
 * held by no one" means the run's page is gone and it may be resumed.
 */
import type { RunClaim } from '../engine/runs/store';

const PREFIX = 'descent-run:';

export const runLockName = (runId: string): string => `${PREFIX}${runId}`;

function lockManager(): LockManager | undefined {
  // Absent outside secure contexts and in old browsers.
  return (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
}

/**
 * Takes run `runId`'s lock if it is free, without waiting; null when someone else holds it. Without
 * Web Locks no tab can tell: the claim always succeeds (the behaviour before locks).
 */
export async function claimRun(runId: string, locks = lockManager()): Promise<RunClaim | null> {
  if (!locks) return { release: async () => {} };
  return new Promise<RunClaim | null>((resolve, reject) => {
    // The lock is held until the callback's promise settles; `request` settles after it is released.
    const held = locks.request(runLockName(runId), { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return;
      }
      return new Promise<void>((done) => {
        resolve({
          release: async () => {
            done();
            await held;
          },
        });
      });
    });
    held.catch(reject);
  });
}

/** Ids of the runs some tab (or worker) of this origin holds now. */
export async function heldRunIds(locks = lockManager()): Promise<Set<string>> {
  if (!locks) return new Set();
  const { held = [] } = await locks.query();
  return new Set(held.flatMap((l) => (l.name?.startsWith(PREFIX) ? [l.name.slice(PREFIX.length)] : [])));
}
