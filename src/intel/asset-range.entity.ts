import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AssetRangeStatus } from '../common/enums';
import { OrganizationEntity } from '../organizations/organization.entity';

/**
 * An address block an organisation declares as its own. It counts (exposure,
 * EXPOSURE warnings) only once APPROVED; reviewedBy/At and reason record the
 * last decision.
 */
@Entity('asset_ranges')
@Index('uq_asset_ranges_org_cidr', ['organizationId', 'cidr'], { unique: true })
@Index('ix_asset_ranges_seq', ['seq'], { unique: true })
// SP-GiST inet_ops is written by hand in the migrations.
@Index('ix_asset_ranges_cidr', { synchronize: false })
// Approved ranges by network (as text) and by (family, prefix length): migration ExposureAtIngest, which finds the
// ranges over an address with equality probes; both are expression indexes, written by hand.
@Index('ix_asset_ranges_approved_cidr', { synchronize: false })
@Index('ix_asset_ranges_approved_prefix', { synchronize: false })
export class AssetRangeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Orders the reviewers' pending list and backs its cursors. */
  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'cidr' })
  cidr!: string;

  @Column({ type: 'varchar', length: 16, default: AssetRangeStatus.PENDING })
  status!: AssetRangeStatus;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'reviewed_by', type: 'varchar', length: 200, nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;
}
