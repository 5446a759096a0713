import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The outcome of one TAXII objects POST (TAXII 2.1 §4.3, the status
 * resource), kept so that a client can read it again by id. Only the
 * organisation that posted reads it.
 */
@Entity('taxii_statuses')
@Index('ix_taxii_statuses_org_time', ['organizationId', 'requestTimestamp'])
export class TaxiiStatusEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'collection_id', type: 'uuid' })
  collectionId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'total_count', type: 'integer' })
  totalCount!: number;

  @Column({ name: 'success_count', type: 'integer' })
  successCount!: number;

  @Column({ name: 'failure_count', type: 'integer' })
  failureCount!: number;

  @Column({ name: 'pending_count', type: 'integer', default: 0 })
  pendingCount!: number;

  /** [{id, version?, message?}] per TAXII's status details. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  successes!: Record<string, unknown>[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  failures!: Record<string, unknown>[];

  @Column({ name: 'request_timestamp', type: 'timestamptz', default: () => 'now()' })
  requestTimestamp!: Date;
}
