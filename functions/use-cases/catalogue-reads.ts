// Catalogue reads shared by sign-ins that arrive together in one process: the read starts on the next turn of
// the event loop, and every sign-in that arrives before it starts waits for that same read. So each sign-in
// decides on a read that began after it arrived (it sees every earlier write), and a burst costs few reads. In
// Lambda an instance serves one request at a time, so there each sign-in makes its own single read.
import type { Catalogue } from '../../domain/sign-in.js';

/** Reads an account's catalogue as of a time (functions/store/catalog.ts). */
export interface CatalogueSource {
  read(accountId: string, asOf: Date): Promise<Catalogue>;
}

interface Pending {
  started: boolean;
  /** The latest portal time a waiting sign-in decides at (epoch ms): the read must reach it. */
  needAsOf: number;
  promise: Promise<Catalogue>;
}

/**
 * A reader that batches the sign-ins of one key (table and account) arriving before a read starts.
 * `clock` is the portal's clock (tests move it); the read's Expiry range reaches the latest of the clock and
 * every waiting sign-in's `now`, so each finds every session expired at its own time.
 */
export function sharedCatalogueReads(source: CatalogueSource, clock: () => Date) {
  const pending = new Map<string, Pending>();
  return {
    read(key: string, accountId: string, now: Date): Promise<Catalogue> {
      const waiting = pending.get(key);
      if (waiting && !waiting.started) {
        waiting.needAsOf = Math.max(waiting.needAsOf, now.getTime());
        return waiting.promise;
      }
      const entry: Pending = {
        started: false,
        needAsOf: now.getTime(),
        promise: Promise.resolve(null as never),
      };
      entry.promise = new Promise<Catalogue>((resolve, reject) => {
        setImmediate(() => {
          entry.started = true;
          const asOf = new Date(Math.max(clock().getTime(), entry.needAsOf));
          source
            .read(accountId, asOf)
            .then(resolve, reject)
            .finally(() => {
              if (pending.get(key) === entry) pending.delete(key);
            });
        });
      });
      pending.set(key, entry);
      return entry.promise;
    },
  };
}

export type SharedCatalogueReads = ReturnType<typeof sharedCatalogueReads>;
