import type { DataSource, EntityManager } from 'typeorm';

/** PostgreSQL's codes for a transaction that lost a race and may simply be run again. */
const RETRYABLE = new Set(['40P01' /* deadlock_detected */, '40001' /* serialization_failure */]);

/**
 * Runs a whole transaction again when PostgreSQL aborted it for a deadlock or
 * a serialisation failure. Writers lock rows in a stable order so this is
 * rare; it covers what ordering cannot (an index page split, a concurrent
 * foreign-key check). `run` must be the entire transaction: nothing of a
 * failed attempt survives it.
 */
export async function retryTransaction<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (err as { code?: unknown }).code;
      if (attempt >= attempts || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 10 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

/**
 * Runs `work` in a transaction of its own or, given the manager of a
 * transaction the caller holds (a STIX import spanning several services), in
 * a savepoint of it, so that a refused object leaves nothing behind without
 * ending the caller's transaction. Retrying belongs to whoever owns the
 * outermost transaction, so a nested run is never retried here.
 */
export function inTransaction<T>(db: DataSource, outer: EntityManager | undefined, work: (m: EntityManager) => Promise<T>, opts: { retry?: boolean } = {}): Promise<T> {
  if (outer) return outer.transaction(work);
  return opts.retry ? retryTransaction(() => db.transaction(work)) : db.transaction(work);
}
