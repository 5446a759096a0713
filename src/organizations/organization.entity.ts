import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrgKind, OrgStatus, Role, Tlp } from '../common/enums';
import type { Limits } from './limits';

@Entity('organizations')
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Index('uq_organizations_code', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: OrgKind;

  @Column({ type: 'varchar', length: 64, nullable: true })
  sector!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  region!: string | null;

  @Index('ix_organizations_parent')
  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'parent_id' })
  parent?: OrganizationEntity;

  @Column({ type: 'varchar', length: 16, default: OrgStatus.ACTIVE })
  status!: OrgStatus;

  @Column({ name: 'allowed_roles', type: 'text', array: true })
  allowedRoles!: Role[];

  @Column({ name: 'default_tlp', type: 'varchar', length: 16, default: Tlp.AMBER })
  defaultTlp!: Tlp;

  /** Per-organisation overrides of the rate limits for its kind (src/organizations/limits.ts); null: the defaults. */
  @Column({ type: 'jsonb', nullable: true })
  limits!: Partial<Limits> | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
