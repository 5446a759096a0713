import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DossierStatus } from '../common/enums';
import { InformationSystemEntity } from './system.entity';

/** A safety-level dossier: the owner's case for a level, revised until the competent reviewer approves it. */
@Entity('safety_dossiers')
@Index('ix_safety_dossiers_seq', ['seq'], { unique: true })
@Index('ix_safety_dossiers_system', ['systemId', 'seq'])
// At most one dossier per system is open (waiting for review or returned for revision).
@Index('uq_safety_dossiers_open', ['systemId'], { unique: true, where: "status IN ('SUBMITTED', 'RETURNED')" })
@Index('ix_safety_dossiers_waiting', ['ownerId', 'submittedAt'], { where: "status = 'SUBMITTED'" })
export class SafetyDossierEntity {
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

  /** The system's owner, copied so that the registry policy applies without a join. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  /** 1 for the first submission, one more for each revision. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'proposed_level', type: 'smallint' })
  proposedLevel!: number;

  @Column({ type: 'text' })
  description!: string;

  /** The protection measures the owner claims. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  measures!: string[];

  /** SUBMITTED, RETURNED, APPROVED, SUPERSEDED or WITHDRAWN (EXPIRED is computed). */
  @Column({ type: 'varchar', length: 16 })
  status!: DossierStatus;

  /** The latest submission or resubmission: waiting time counts from here. */
  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' })
  submittedAt!: Date;

  @Column({ name: 'submitted_by', type: 'varchar', length: 200 })
  submittedBy!: string;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'reviewed_by', type: 'varchar', length: 200, nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'reviewer_org_id', type: 'uuid', nullable: true })
  reviewerOrgId!: string | null;

  @Column({ name: 'review_comments', type: 'text', nullable: true })
  reviewComments!: string | null;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** One step of a dossier's history: who did what, with the content as it stood at each submission. */
@Entity('dossier_events')
@Index('ix_dossier_events_dossier', ['dossierId', 'seq'])
export class DossierEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'dossier_id', type: 'uuid' })
  dossierId!: string;

  @ManyToOne(() => SafetyDossierEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: SafetyDossierEntity;

  /** SUBMITTED, REVISED, ATTACHED, APPROVED, RETURNED or WITHDRAWN. */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'proposed_level', type: 'smallint', nullable: true })
  proposedLevel!: number | null;

  /** The reviewer's comments, the withdrawal reason, or the attached file's name. */
  @Column({ type: 'text', nullable: true })
  comments!: string | null;

  /** SUBMITTED and REVISED: the description and measures as submitted. */
  @Column({ type: 'jsonb', nullable: true })
  snapshot!: { description: string; measures: string[] } | null;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  @Column({ name: 'actor_org_id', type: 'uuid' })
  actorOrgId!: string;

  @Column({ name: 'actor_sub', type: 'varchar', length: 200 })
  actorSub!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

/** A file or text attached to a dossier, kept in the database within bounded sizes (dossier.limits.ts). */
@Entity('dossier_attachments')
@Index('ix_dossier_attachments_dossier', ['dossierId', 'seq'])
export class DossierAttachmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Orders a dossier's files as they were added. */
  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'dossier_id', type: 'uuid' })
  dossierId!: string;

  @ManyToOne(() => SafetyDossierEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: SafetyDossierEntity;

  /** The dossier version it was added in. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'media_type', type: 'varchar', length: 127 })
  mediaType!: string;

  /** Bytes; checked against the limits under the dossier's lock. */
  @Column({ type: 'integer' })
  size!: number;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  /** Never read by lists: only the content field loads it. */
  @Column({ type: 'bytea', select: false })
  content!: Buffer;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
