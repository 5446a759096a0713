import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../../../organizations/organization.entity';

/**
 * Which version of which STIX object an organisation has imported, and what
 * it became locally. The author of the local objects is always the importing
 * organisation; the source identity (`created_by_ref`) is kept here. One row
 * per (organisation, STIX id): the unique key is what makes concurrent
 * imports of one bundle queue instead of duplicating.
 */
@Entity('stix_provenance')
@Index('ux_stix_provenance_org_stix_id', ['organizationId', 'stixId'], { unique: true })
export class StixProvenanceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ name: 'stix_id', type: 'varchar', length: 200 })
  stixId!: string;

  /** The STIX `modified` (or `created`) of the version held; null when the object carried neither. */
  @Column({ type: 'timestamptz', nullable: true })
  modified!: Date | null;

  /** Indicator, Sighting, Incident, IncidentNote (local ids: the incident), Advisory. */
  @Column({ name: 'local_kind', type: 'varchar', length: 32 })
  localKind!: string;

  /** An indicator whose pattern ORs several observables becomes several indicators. */
  @Column({ name: 'local_ids', type: 'uuid', array: true, default: () => "'{}'" })
  localIds!: string[];

  /** The object's `created_by_ref`: provenance, never authorship. */
  @Column({ name: 'source_ref', type: 'varchar', length: 200, nullable: true })
  sourceRef!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
