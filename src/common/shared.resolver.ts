import { Ctx, FieldResolver, Resolver, Root, type ClassType } from 'type-graphql';
import { mayKnowRecipients } from '../auth/policy';
import type { Context } from '../context';
import { OrganizationType } from '../organizations/organization.types';

interface SharedRow {
  authorId: string;
  recipientOrgIds: string[];
  recipientGroupIds: string[];
}

/** `author` and `recipients` for every shared object type, resolved the same way everywhere. */
export function SharedObjectResolver<T extends object>(objectType: ClassType<T>) {
  @Resolver(() => objectType)
  abstract class Base {
    @FieldResolver(() => OrganizationType, { description: 'The organisation that authored it.' })
    author(@Root() row: SharedRow, @Ctx() ctx: Context) {
      return ctx.loaders.organization.load(row.authorId);
    }

    @FieldResolver(() => [String], {
      nullable: true,
      description: 'Organisation codes and sharing-group names it is shared with; null unless the caller is the author, its ancestor or a coordinator.',
    })
    recipients(@Root() row: SharedRow, @Ctx() ctx: Context) {
      if (!mayKnowRecipients(ctx.principal, row.authorId)) return null;
      return ctx.services.organizations.recipientNames(ctx.principal, { orgIds: row.recipientOrgIds, groupIds: row.recipientGroupIds });
    }
  }
  return Base;
}
