import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ObservableEntity } from '../intel/observable.entity';
import { IncidentCategory, IncidentStatus, Severity } from '../common/enums';
import { OrganizationEntity } from '../organizations/organization.entity';
import { SharedObjectColumns } from '../organizations/shared-object.entity';

@Entity('incidents')
@Index('ix_incidents_seq', ['seq'], { unique: true })
@Index('ix_incidents_added', ['updatedAt', 'id'])
export class IncidentEntity extends SharedObjectColumns {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'author_id' })
  author?: OrganizationEntity;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 32 })
  category!: IncidentCategory;

  @Column({ type: 'varchar', length: 16 })
  severity!: Severity;

  @Column({ type: 'varchar', length: 16, default: IncidentStatus.REPORTED })
  status!: IncidentStatus;

  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true })
  occurredAt!: Date | null;

  @Column({ name: 'detected_at', type: 'timestamptz', nullable: true })
  detectedAt!: Date | null;

  @Column({ name: 'affected_systems', type: 'text', array: true, default: () => "'{}'" })
  affectedSystems!: string[];

  /** The responder handling it: a subject name, free text. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  assignee!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

@Entity('incident_observables')
export class IncidentObservableEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @PrimaryColumn({ name: 'observable_id', type: 'uuid' })
  observableId!: string;

  @ManyToOne(() => IncidentEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'incident_id' })
  incident?: IncidentEntity;

  @ManyToOne(() => ObservableEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'observable_id' })
  observable?: ObservableEntity;
}

@Entity('incident_events')
@Index('ix_incident_events_incident', ['incidentId', 'seq'])
@Index('ix_incident_events_added', ['createdAt', 'id'])
export class IncidentEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @ManyToOne(() => IncidentEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'incident_id' })
  incident?: IncidentEntity;

  /** REPORTED, STATUS_CHANGED, NOTE, ASSIGNED, SHARED. */
  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus!: IncidentStatus | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16, nullable: true })
  toStatus!: IncidentStatus | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'actor_org_id', type: 'uuid' })
  actorOrgId!: string;

  @Column({ name: 'actor_sub', type: 'varchar', length: 200 })
  actorSub!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
