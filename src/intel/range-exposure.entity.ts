import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';
import { ObservableEntity } from './observable.entity';

/**
 * Which observables lie in (overlap) an organisation's APPROVED asset ranges:
 * `exposure` reads it instead of searching the address space per request.
 * Kept by triggers (migration RangeExposures) on observables and asset_ranges,
 * so every writer — API, CLI, SQL by hand — keeps it true. It says nothing
 * about who may read an indicator: the sharing policy still decides that.
 */
@Entity('range_exposures')
@Index('ix_range_exposures_observable', ['observableId'])
export class RangeExposureEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @PrimaryColumn({ name: 'observable_id', type: 'uuid' })
  observableId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @ManyToOne(() => ObservableEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'observable_id' })
  observable?: ObservableEntity;
}
