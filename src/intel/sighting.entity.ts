import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ObservableEntity } from './observable.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { SharedObjectColumns } from '../organizations/shared-object.entity';

@Entity('sightings')
@Index('ix_sightings_observable', ['observableId'])
@Index('ix_sightings_seq', ['seq'], { unique: true })
@Index('ix_sightings_added', ['createdAt', 'id'])
export class SightingEntity extends SharedObjectColumns {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'author_id' })
  author?: OrganizationEntity;

  @Column({ name: 'observable_id', type: 'uuid' })
  observableId!: string;

  @ManyToOne(() => ObservableEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'observable_id' })
  observable?: ObservableEntity;

  @Column({ type: 'integer', default: 1 })
  count!: number;

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen!: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen!: Date;

  /** Where it was seen: a sensor, network or system name. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  location!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
