import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { ErrorCode } from '../common/errors';
import { AuditEventEntity } from './audit-event.entity';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  outcome?: 'OK' | 'DENIED';
  detail?: Record<string, unknown>;
}

/** Appends to the audit log: who (organisation, subject, token id, key id) did what to what. */
export class AuditService {
  constructor(private readonly db: DataSource) {}

  /** Pass the transaction's manager so that the entry commits or rolls back with the write it describes. */
  async record(p: Principal | null, entry: AuditEntry, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.save(
      manager.create(AuditEventEntity, {
      organizationId: p?.orgId ?? null,
      organizationCode: p?.orgCode ?? null,
      subject: p?.sub ?? null,
      jti: p?.jti ?? null,
      kid: p?.kid ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      outcome: entry.outcome ?? 'OK',
      detail: entry.detail ?? null,
      }),
    );
  }

  /**
   * Runs a write and, when it is refused with FORBIDDEN, records the denied
   * attempt. The record is written outside the refused transaction, which
   * rolls back. NOT_FOUND is not recorded as a denial: to the caller the
   * object does not exist.
   */
  async guard<T>(p: Principal, entry: Omit<AuditEntry, 'outcome'>, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (isForbidden(err)) {
        await this.record(p, { ...entry, outcome: 'DENIED', detail: { ...entry.detail, reason: (err as Error).message } });
      }
      throw err;
    }
  }
}

/** Duck-typed: errors may come from another copy of graphql (see vitest.config.mts). */
function isForbidden(err: unknown): boolean {
  return (err as { extensions?: { code?: unknown } } | null)?.extensions?.code === ErrorCode.FORBIDDEN;
}
