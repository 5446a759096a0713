import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ObservableEntity } from './observable.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { Severity, ThreatType } from '../common/enums';
import { SharedObjectColumns } from '../organizations/shared-object.entity';

@Entity('indicators')
@Index('uq_indicators_observable_author', ['observableId', 'authorId'], { unique: true })
@Index('ix_indicators_seq', ['seq'], { unique: true })
@Index('ix_indicators_author', ['authorId'])
/** TAXII's date_added keyset (IndicatorService.addedPage). */
@Index('ix_indicators_added', ['lastReported', 'id'])
export class IndicatorEntity extends SharedObjectColumns {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'observable_id', type: 'uuid' })
  observableId!: string;

  /** Checked per statement, not by a foreign key (migration ReferencesPerStatement). */
  @ManyToOne(() => ObservableEntity, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'observable_id' })
  observable?: ObservableEntity;

  /** Checked per statement, not by a foreign key (migration ReferencesPerStatement). */
  @ManyToOne(() => OrganizationEntity, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'author_id' })
  author?: OrganizationEntity;

  @Column({ type: 'smallint' })
  confidence!: number;

  @Column({ type: 'varchar', length: 16 })
  severity!: Severity;

  @Column({ name: 'threat_types', type: 'text', array: true, default: () => "'{}'" })
  threatTypes!: ThreatType[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom!: Date;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', default: false })
  revoked!: boolean;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: string | null;

  /** When it was revoked (cleared when the author posts it again): ends an exposure in the registry's statistics. */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'first_reported', type: 'timestamptz', default: () => 'now()' })
  firstReported!: Date;

  @Column({ name: 'last_reported', type: 'timestamptz', default: () => 'now()' })
  lastReported!: Date;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'updated_by', type: 'varchar', length: 200 })
  updatedBy!: string;
}
