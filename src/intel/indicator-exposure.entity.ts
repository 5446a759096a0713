import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';
import { IndicatorEntity } from './indicator.entity';

/**
 * The indicators of each organisation's exposed observables (range_exposures),
 * with the indicator's `seq` copied so that `exposure` walks one index on
 * (organisation, seq) newest first, probing indicators by key, instead of
 * sorting or filtering the whole indicator list. Kept by triggers (migration
 * IndicatorExposures) on indicators and range_exposures; `seq` never changes
 * once an indicator is inserted. Says nothing about who may read an
 * indicator: the sharing policy still decides that.
 */
@Entity('indicator_exposures')
// The cascade from indicators deletes by indicator_id.
@Index('ix_indicator_exposures_indicator', ['indicatorId'])
export class IndicatorExposureEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'indicator_id', type: 'uuid' })
  indicatorId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @ManyToOne(() => IndicatorEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'indicator_id' })
  indicator?: IndicatorEntity;
}
