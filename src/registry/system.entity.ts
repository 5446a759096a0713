import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SystemLifecycle } from '../common/enums';
import { OrganizationEntity } from '../organizations/organization.entity';

/** The review state of a system's open dossier, kept on the system so that statistics need no join. */
export const ReviewState = { NONE: 'NONE', SUBMITTED: 'SUBMITTED', RETURNED: 'RETURNED' } as const;
export type ReviewState = (typeof ReviewState)[keyof typeof ReviewState];

/**
 * A state information system and its safety level (Decree 85/2016: 1 lowest,
 * 5 highest). Approval is the last approved dossier's level and validity;
 * whether it still holds is computed at read time (`approved_until > now()`).
 */
@Entity('information_systems')
@Index('ix_information_systems_seq', ['seq'], { unique: true })
@Index('uq_information_systems_owner_name', ['ownerId', 'name'], { unique: true })
export class InformationSystemEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'owner_id' })
  owner?: OrganizationEntity;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  purpose!: string | null;

  @Column({ name: 'proposed_level', type: 'smallint' })
  proposedLevel!: number;

  @Column({ name: 'approved_level', type: 'smallint', nullable: true })
  approvedLevel!: number | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt!: Date | null;

  @Column({ name: 'approved_until', type: 'timestamptz', nullable: true })
  approvedUntil!: Date | null;

  @Column({ name: 'approved_dossier_id', type: 'uuid', nullable: true })
  approvedDossierId!: string | null;

  @Column({ name: 'review_state', type: 'varchar', length: 16, default: ReviewState.NONE })
  reviewState!: ReviewState;

  /**
   * The owner's address ranges this system uses, each inside one of the
   * owner's asset ranges when it was set. Referenced by CIDR rather than by
   * asset-range id, because setAssetRanges replaces an organisation's rows.
   */
  @Column({ type: 'cidr', array: true, default: () => "'{}'" })
  ranges!: string[];

  @Column({ type: 'varchar', length: 16, default: SystemLifecycle.IN_OPERATION })
  lifecycle!: SystemLifecycle;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
