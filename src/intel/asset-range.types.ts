import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { AssetRangeStatus } from '../common/enums';
import { ConnectionType } from '../common/pagination';
import type * as In from './asset-range.inputs';

@ObjectType('AssetRange', {
  description: 'An address block an organisation declares as its own. Only an APPROVED range counts for `exposure` and EXPOSURE warnings.',
})
export class AssetRangeType {
  @Field(() => ID)
  id!: string;

  organizationId!: string;

  @Field(() => String, { description: 'In network form; a single address is a /32 or /128.' })
  cidr!: string;

  @Field(() => AssetRangeStatus)
  status!: AssetRangeStatus;

  @Field(() => String, { description: 'Who declared it (organisation/subject), or who imported it.' })
  createdBy!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, { nullable: true, description: 'Who made the last decision (organisation/subject; cli/<user> for a command-line import).' })
  reviewedBy!: string | null;

  @Field(() => Date, { nullable: true })
  reviewedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected (or a note on the approval).' })
  reason!: string | null;
}

export const AssetRangeConnection = ConnectionType(AssetRangeType, 'AssetRange');

@InputType({ description: 'One approved range of a bulk load: the owner and a CIDR block (or a single address).' })
export class AssetRangeImportInput implements In.AssetRangeImportItem {
  @Field(() => String, { description: 'The owner organisation\'s code.' })
  organization!: string;

  @Field(() => String)
  cidr!: string;
}
