import { Column, Entity, Generated, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what to what, and every denied attempt. Append-only; pruned past AUDIT_RETENTION. */
@Entity('audit_events')
@Index('ix_audit_events_org_at', ['organizationId', 'at'])
@Index('ix_audit_events_seq', ['seq'], { unique: true })
@Index('ix_audit_events_org_seq', ['organizationId', 'seq'])
@Index('ix_audit_events_at', ['at'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Orders the log (newest first) and backs the keyset cursors. */
  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId!: string | null;

  @Column({ name: 'organization_code', type: 'varchar', length: 32, nullable: true })
  organizationCode!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  subject!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  jti!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  kid!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32, nullable: true })
  targetType!: string | null;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId!: string | null;

  /** OK or DENIED. */
  @Column({ type: 'varchar', length: 8 })
  outcome!: string;

  @Column({ type: 'jsonb', nullable: true })
  detail!: Record<string, unknown> | null;
}
