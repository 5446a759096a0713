import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what to what, and every denied attempt. Append-only. */
@Entity('audit_events')
@Index('ix_audit_events_org_at', ['organizationId', 'at'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

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
