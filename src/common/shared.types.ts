import { Field, ObjectType } from 'type-graphql';
import { Tlp } from './enums';

/** Fields every shared object exposes; `recipients` only to those allowed to know them. */
@ObjectType()
export abstract class SharedObjectType {
  seq!: string;
  authorId!: string;
  recipientOrgIds!: string[];
  recipientGroupIds!: string[];

  @Field(() => Tlp)
  tlp!: Tlp;
}
