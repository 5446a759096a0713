import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from './organization.entity';
import { KeyStatus } from '../common/enums';

@Entity('signing_keys')
@Index('uq_signing_keys_org_kid', ['organizationId', 'kid'], { unique: true })
export class SigningKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'varchar', length: 128 })
  kid!: string;

  @Column({ type: 'varchar', length: 16 })
  alg!: string;

  /** The public JWK only; registration refuses private members. */
  @Column({ type: 'jsonb' })
  jwk!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: KeyStatus.ACTIVE })
  status!: KeyStatus;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** For a RETIRED key: it verifies tokens until then (the overlap of a rotation), and never after. */
  @Column({ name: 'retired_until', type: 'timestamptz', nullable: true })
  retiredUntil!: Date | null;
}
