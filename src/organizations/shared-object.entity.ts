import { Column, Generated, JoinColumn, ManyToOne } from 'typeorm';
import { OrganizationEntity } from './organization.entity';
import { Tlp } from '../common/enums';

/**
 * Columns every shared object carries so that the sharing policy can judge it
 * in SQL: the author, the TLP and the recipients (organisations and groups).
 * `seq` orders lists newest first and backs the keyset cursors.
 */
export abstract class SharedObjectColumns {
  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;


  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'author_id' })
  author?: OrganizationEntity;

  @Column({ type: 'varchar', length: 16 })
  tlp!: Tlp;

  @Column({ name: 'recipient_org_ids', type: 'uuid', array: true, default: () => "'{}'" })
  recipientOrgIds!: string[];

  @Column({ name: 'recipient_group_ids', type: 'uuid', array: true, default: () => "'{}'" })
  recipientGroupIds!: string[];
}
