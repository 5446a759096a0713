import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ObservableEntity } from '../intel/observable.entity';
import { AdvisoryStatus, Severity } from '../common/enums';
import { OrganizationEntity } from '../organizations/organization.entity';
import { SharedObjectColumns } from '../organizations/shared-object.entity';

@Entity('advisories')
@Index('ix_advisories_seq', ['seq'], { unique: true })
@Index('ix_advisories_added', ['updatedAt', 'id'])
export class AdvisoryEntity extends SharedObjectColumns {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'author_id' })
  author?: OrganizationEntity;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'varchar', length: 16 })
  severity!: Severity;

  @Column({ name: 'cve_ids', type: 'text', array: true, default: () => "'{}'" })
  cveIds!: string[];

  @Column({ name: 'affected_products', type: 'text', array: true, default: () => "'{}'" })
  affectedProducts!: string[];

  @Column({ name: 'recommended_actions', type: 'text', array: true, default: () => "'{}'" })
  recommendedActions!: string[];

  /** Audience narrows who is warned; who may read is still decided by TLP and recipients. */
  @Column({ name: 'audience_everyone', type: 'boolean', default: true })
  audienceEveryone!: boolean;

  @Column({ name: 'audience_sectors', type: 'text', array: true, default: () => "'{}'" })
  audienceSectors!: string[];

  @Column({ name: 'audience_regions', type: 'text', array: true, default: () => "'{}'" })
  audienceRegions!: string[];

  @Column({ name: 'audience_org_ids', type: 'uuid', array: true, default: () => "'{}'" })
  audienceOrgIds!: string[];

  @Column({ type: 'varchar', length: 16, default: AdvisoryStatus.DRAFT })
  status!: AdvisoryStatus;

  @Column({ type: 'integer', default: 1 })
  revision!: number;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  @Column({ name: 'withdrawn_reason', type: 'text', nullable: true })
  withdrawnReason!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

@Entity('advisory_observables')
export class AdvisoryObservableEntity {
  @PrimaryColumn({ name: 'advisory_id', type: 'uuid' })
  advisoryId!: string;

  @PrimaryColumn({ name: 'observable_id', type: 'uuid' })
  observableId!: string;

  @ManyToOne(() => AdvisoryEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'advisory_id' })
  advisory?: AdvisoryEntity;

  @ManyToOne(() => ObservableEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'observable_id' })
  observable?: ObservableEntity;
}
