import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('SharingGroup', {
  description: 'A named set of organisations that can be named as recipients. What is shared with it follows its membership as it is when read.',
})
export class SharingGroupType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  ownerId!: string;

  memberIds!: string[];

  @Field(() => Date)
  createdAt!: Date;
}
