import { Ctx, FieldResolver, Resolver, Root, type ClassType } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { mayKnowRecipients } from '../auth/policy';
import type { OrganizationLoaders } from './organization.loaders';
import { OrganizationType } from './organization.types';

interface SharedRow {
  authorId: string;
  recipientOrgIds: string[];
  recipientGroupIds: string[];
}

type Ctx = RequestContext<OrganizationLoaders>;

/** `author` and `recipients` for every shared object type, resolved the same way everywhere, in batches. */
export function SharedObjectResolver<T extends object>(objectType: ClassType<T>) {
  @Resolver(() => objectType)
  abstract class Base {
    @FieldResolver(() => OrganizationType, { description: 'The organisation that authored it.' })
    author(@Root() row: SharedRow, @Ctx() ctx: Ctx) {
      return ctx.loaders.organization.load(row.authorId);
    }

    @FieldResolver(() => [String], {
      nullable: true,
      description: 'Organisation codes and sharing-group names it is shared with; null unless the caller is the author, its ancestor or a coordinator.',
    })
    async recipients(@Root() row: SharedRow, @Ctx() ctx: Ctx): Promise<string[] | null> {
      if (!mayKnowRecipients(ctx.principal, row.authorId)) return null;
      const [orgs, groups] = await Promise.all([
        ctx.loaders.organization.loadMany(row.recipientOrgIds),
        ctx.loaders.sharingGroup.loadMany(row.recipientGroupIds),
      ]);
      return [...orgs, ...groups].flatMap((x) => (x && !(x instanceof Error) ? ['code' in x ? x.code : x.name] : []));
    }
  }
  return Base;
}
