import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

@Entity('sharing_groups')
export class SharingGroupEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('uq_sharing_groups_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'owner_id' })
  owner?: OrganizationEntity;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

@Entity('sharing_group_members')
export class SharingGroupMemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' })
  groupId!: string;

  @Index('ix_sharing_group_members_org')
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => SharingGroupEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'group_id' })
  group?: SharingGroupEntity;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;
}
