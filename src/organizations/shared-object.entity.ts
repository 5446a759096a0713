import { Column, Generated } from 'typeorm';
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

  /**
   * The author organisation. Each entity declares the relation itself: most with a foreign key, indicators and
   * warnings with a check per statement (migration ReferencesPerStatement), and TypeORM keeps a base class's relation
   * even where a subclass declares its own.
   */
  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Column({ type: 'varchar', length: 16 })
  tlp!: Tlp;

  @Column({ name: 'recipient_org_ids', type: 'uuid', array: true, default: () => "'{}'" })
  recipientOrgIds!: string[];

  @Column({ name: 'recipient_group_ids', type: 'uuid', array: true, default: () => "'{}'" })
  recipientGroupIds!: string[];
}
