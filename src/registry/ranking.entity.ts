import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';

/** One organisation's line in a published ranking, frozen as it was computed. */
export interface RankingEntryRecord {
  rank: number;
  organizationId: string;
  code: string;
  name: string;
  score: number;
  approvalCoverage: number;
  requirementCompliance: number;
  incidentResponse: number;
  exposureHygiene: number;
  systems: number;
  approved: number;
  unmetRequirements: number;
  openIncidents: number;
  openExposures: number;
}

/** A ranking a coordinator published to an audience: stored as computed, read by its audience. */
@Entity('ranking_snapshots')
@Index('ix_ranking_snapshots_seq', ['seq'], { unique: true })
export class RankingSnapshotEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'author_id' })
  author?: OrganizationEntity;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ name: 'audience_everyone', type: 'boolean', default: false })
  audienceEveryone!: boolean;

  @Column({ name: 'audience_sectors', type: 'text', array: true, default: () => "'{}'" })
  audienceSectors!: string[];

  @Column({ name: 'audience_regions', type: 'text', array: true, default: () => "'{}'" })
  audienceRegions!: string[];

  /** The organisations named as audience. */
  @Column({ name: 'audience_named_org_ids', type: 'uuid', array: true, default: () => "'{}'" })
  audienceNamedOrgIds!: string[];

  /** Named organisations plus those of the named sectors and regions at publication: who reads it (rankingVisibleTo). */
  @Column({ name: 'audience_org_ids', type: 'uuid', array: true, default: () => "'{}'" })
  audienceOrgIds!: string[];

  @Column({ type: 'jsonb' })
  entries!: RankingEntryRecord[];

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;
}
