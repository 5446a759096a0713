import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ObservableType } from '../common/enums';

@Entity('observables')
@Index('uq_observables_type_value', ['type', 'value'], { unique: true })
// SP-GiST inet_ops is written by hand in the migrations; TypeORM cannot express it.
@Index('ix_observables_net', { synchronize: false })
export class ObservableEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: ObservableType;

  /** Normalised value (see intel/normalize.ts). */
  @Column({ type: 'text' })
  value!: string;

  /** IPV4, IPV6 and CIDR values again as `inet`, so that containment is an indexed query. */
  @Column({ type: 'inet', nullable: true })
  net!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
