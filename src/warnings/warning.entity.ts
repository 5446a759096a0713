import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';
import { Severity, WarningKind } from '../common/enums';
import { SharedObjectColumns } from '../organizations/shared-object.entity';

/** The live warning log: the source of truth for subscriptions (filled by the warnings module). */
@Entity('warnings')
@Index('ix_warnings_seq', ['seq'], { unique: true })
// The registry's statistics read every EXPOSURE warning: without it, they scan the whole log.
@Index('ix_warnings_exposure', ['subjectId'], { where: "kind = 'EXPOSURE'" })
export class WarningEntity extends SharedObjectColumns {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Checked per statement, not by a foreign key (migration ReferencesPerStatement). */
  @ManyToOne(() => OrganizationEntity, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'author_id' })
  author?: OrganizationEntity;

  @Column({ type: 'varchar', length: 32 })
  kind!: WarningKind;

  @Column({ type: 'varchar', length: 16 })
  severity!: Severity;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ name: 'subject_type', type: 'varchar', length: 32 })
  subjectType!: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  /** When set, only these organisations (and whoever the TLP lets read) are addressed. */
  @Column({ name: 'audience_org_ids', type: 'uuid', array: true, nullable: true })
  audienceOrgIds!: string[] | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
