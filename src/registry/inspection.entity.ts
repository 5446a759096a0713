import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { InspectionKind, InspectionStatus } from '../common/enums';
import { RequirementEntity } from './requirement.entity';
import { InformationSystemEntity } from './system.entity';

/** An inspection or annual evaluation of an approved system, scheduled and recorded by its competent reviewer. */
@Entity('inspections')
@Index('ix_inspections_seq', ['seq'], { unique: true })
@Index('ix_inspections_system', ['systemId', 'seq'])
@Index('ix_inspections_scheduled', ['ownerId', 'dueAt'], { where: "status = 'SCHEDULED'" })
export class InspectionEntity {
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

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: InspectionKind;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  /** SCHEDULED, COMPLETED or CANCELLED (OVERDUE is computed). */
  @Column({ type: 'varchar', length: 16, default: InspectionStatus.SCHEDULED })
  status!: InspectionStatus;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ name: 'scheduled_by_org_id', type: 'uuid' })
  scheduledByOrgId!: string;

  @Column({ name: 'scheduled_by', type: 'varchar', length: 200 })
  scheduledBy!: string;

  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'completed_by', type: 'varchar', length: 200, nullable: true })
  completedBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** What an inspection found about one requirement; it also updates the system's checklist. */
@Entity('inspection_findings')
export class InspectionFindingEntity {
  @PrimaryColumn({ name: 'inspection_id', type: 'uuid' })
  inspectionId!: string;

  @PrimaryColumn({ name: 'requirement_id', type: 'uuid' })
  requirementId!: string;

  @ManyToOne(() => InspectionEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'inspection_id' })
  inspection?: InspectionEntity;

  @ManyToOne(() => RequirementEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'requirement_id' })
  requirement?: RequirementEntity;

  @Column({ type: 'boolean' })
  met!: boolean;

  @Column({ type: 'text', nullable: true })
  note!: string | null;
}
