import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AssessmentSource } from '../common/enums';
import { InformationSystemEntity } from './system.entity';

/**
 * A legal requirement of the catalogue. Levels are cumulative: a requirement
 * of level L applies to every system of level L and above.
 */
@Entity('requirements')
@Index('ix_requirements_seq', ['seq'], { unique: true })
@Index('uq_requirements_code', ['code'], { unique: true })
export class RequirementEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** The lowest safety level it applies to (1–5). */
  @Column({ type: 'smallint' })
  level!: number;

  /** MANAGEMENT or TECHNICAL. */
  @Column({ type: 'varchar', length: 16 })
  category!: string;

  @Column({ name: 'legal_basis', type: 'varchar', length: 200, nullable: true })
  legalBasis!: string | null;

  /** Retired requirements stay in the catalogue (and in old findings) but no longer count. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * One line of a system's checklist. Rows exist for every requirement up to
 * the highest level the system has proposed or been approved at; which of
 * them apply now is decided at read time (REQUIRED_LEVEL_SQL).
 */
@Entity('system_requirements')
@Index('ix_system_requirements_seq', ['seq'], { unique: true })
@Index('uq_system_requirements', ['systemId', 'requirementId'], { unique: true })
@Index('ix_system_requirements_unmet', ['ownerId', 'requirementId'], { where: 'met = false' })
// Statistics subtract the unmet lines of retired requirements, found through this one.
@Index('ix_system_requirements_unmet_requirement', ['requirementId'], { where: 'met = false' })
export class SystemRequirementEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'system_id', type: 'uuid' })
  systemId!: string;

  @ManyToOne(() => InformationSystemEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'system_id' })
  system?: InformationSystemEntity;

  @Column({ name: 'requirement_id', type: 'uuid' })
  requirementId!: string;

  @ManyToOne(() => RequirementEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'requirement_id' })
  requirement?: RequirementEntity;

  /** The system's owner, copied so that the registry policy and the statistics need no join. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  /** Not met until someone says otherwise. */
  @Column({ type: 'boolean', default: false })
  met!: boolean;

  @Column({ type: 'text', nullable: true })
  evidence!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  source!: AssessmentSource | null;

  @Column({ name: 'assessed_at', type: 'timestamptz', nullable: true })
  assessedAt!: Date | null;

  @Column({ name: 'assessed_by_org_id', type: 'uuid', nullable: true })
  assessedByOrgId!: string | null;

  @Column({ name: 'assessed_by', type: 'varchar', length: 200, nullable: true })
  assessedBy!: string | null;
}
