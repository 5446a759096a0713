import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Action, Subject } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { AuditEventEntity } from './audit-event.entity';

/** Actions outside the API: the bootstrap commands that run before any token can exist. */
export type SystemAction = 'organization.bootstrap';

export interface AuditEntry {
  action: Action | SystemAction;
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
    const row: Partial<AuditEventEntity> = {
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
    };
    // One INSERT (save() would wrap it in a transaction of its own); TypeORM's partial type cannot express a jsonb object.
    await manager.insert(AuditEventEntity, row as QueryDeepPartialEntity<AuditEventEntity>);
  }

  /**
   * A refused attempt, recorded on its own connection: the transaction it
   * was refused in (if any) rolls back, the record stays. The authorizer
   * calls this; nothing else records denials.
   */
  readonly recordDenial = (p: Principal, action: Action, subject: Subject | undefined, reason: string): Promise<void> =>
    this.record(p, {
      action,
      targetType: subject?.target?.type,
      targetId: subject?.target?.id,
      outcome: 'DENIED',
      detail: { reason },
    });
}
