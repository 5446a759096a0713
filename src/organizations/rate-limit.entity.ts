import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One token bucket per organisation and budget (`reads`, `bulkItems`),
 * shared by every server instance: each operation refills and takes from it
 * in one statement. UNLOGGED (written by hand in the migration): losing the
 * buckets in a crash only refills them.
 */
@Entity('rate_limit_buckets')
export class RateLimitBucketEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  bucket!: string;

  /** May go below zero: a call larger than what is left is let through once the bucket holds what it may hold, and the debt is waited off. */
  @Column({ type: 'double precision' })
  tokens!: number;

  /** The per-minute budget at the last take (what the bucket refills to). */
  @Column({ type: 'double precision' })
  capacity!: number;

  /** Whether the last take was let through (read back by the statement that made it). */
  @Column({ type: 'boolean' })
  admitted!: boolean;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/**
 * How many websocket connections or subscriptions an instance holds for an
 * organisation, renewed by a heartbeat. The sum over live instances is the
 * organisation's usage; an instance that died stops counting once its
 * heartbeat is stale. UNLOGGED, like the buckets.
 */
@Entity('rate_limit_leases')
@Index('ix_rate_limit_leases_org', ['organizationId', 'kind'])
export class RateLimitLeaseEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'uuid' })
  instanceId!: string;

  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'integer' })
  count!: number;

  @Column({ name: 'heartbeat_at', type: 'timestamptz' })
  heartbeatAt!: Date;
}
