import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
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
}
