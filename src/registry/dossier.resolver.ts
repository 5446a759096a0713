import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../auth/roles';
import { DossierStatus } from '../common/enums';
import { PageArgs } from '../common/pagination';
import { OrganizationType } from '../organizations/organization.types';
import { dossierStatusOf, type DossierQueryService } from './dossier-query.service';
import type { DossierAttachmentEntity, DossierEventEntity, SafetyDossierEntity } from './dossier.entity';
import type { DossierService } from './dossier.service';
import {
  AttachmentInput,
  DossierAttachmentType,
  DossierEventType,
  DossierFilter,
  DossierInput,
  DossierRevisionInput,
  SafetyDossierConnection,
  SafetyDossierType,
} from './dossier.types';
import type { RegistryContext } from './system.resolver';
import { InformationSystemType } from './system.types';

type Ctx = RegistryContext;

@ArgsType()
class DossiersArgs extends PageArgs {
  @Field(() => DossierFilter, { nullable: true })
  filter?: DossierFilter | null;
}

@Resolver(() => SafetyDossierType)
export class DossierResolver {
  constructor(
    private readonly service: DossierService,
    private readonly queries: DossierQueryService,
  ) {}

  @Requires('read')
  @Query(() => SafetyDossierConnection, { description: 'Newest first; filter toReview for the dossiers waiting for the caller.' })
  async dossiers(@Args(() => DossiersArgs) args: DossiersArgs, @Ctx() ctx: Ctx) {
    return SafetyDossierConnection.from(await this.queries.list(ctx.principal, args.filter, args));
  }

  @Requires('read')
  @Query(() => SafetyDossierType, { nullable: true })
  dossier(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx) {
    return this.queries.byId(ctx.principal, id);
  }

  @Requires('dossier.submit')
  @Mutation(() => SafetyDossierType, { description: 'The owner submits a dossier for a system with none open.' })
  submitDossier(@Arg('input', () => DossierInput) input: DossierInput, @Ctx() ctx: Ctx) {
    return this.service.submit(ctx.principal, input);
  }

  @Requires('dossier.revise')
  @Mutation(() => SafetyDossierType, { description: 'The owner revises a RETURNED dossier and resubmits it as the next version.' })
  reviseDossier(@Arg('id', () => ID) id: string, @Arg('input', () => DossierRevisionInput) input: DossierRevisionInput, @Ctx() ctx: Ctx) {
    return this.service.revise(ctx.principal, id, input);
  }

  @Requires('dossier.review')
  @Mutation(() => SafetyDossierType, {
    description:
      "The competent reviewer (the owner's parent organisation's ANALYST, or a coordinator's for an owner without a parent) approves a SUBMITTED dossier until validUntil (default: a year), or returns it with comments.",
  })
  reviewDossier(
    @Arg('id', () => ID) id: string,
    @Arg('approve', () => Boolean) approve: boolean,
    @Arg('comments', () => String, { nullable: true }) comments: string | null,
    @Arg('validUntil', () => Date, { nullable: true }) validUntil: Date | null,
    @Ctx() ctx: Ctx,
  ) {
    return this.service.review(ctx.principal, id, approve, comments, validUntil);
  }

  @Requires('dossier.withdraw')
  @Mutation(() => SafetyDossierType, { description: 'The owner takes back an open dossier.' })
  withdrawDossier(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Ctx) {
    return this.service.withdraw(ctx.principal, id, reason);
  }

  @Requires('dossier.attach')
  @Mutation(() => SafetyDossierType, { description: 'More evidence for an open dossier.' })
  attachToDossier(@Arg('id', () => ID) id: string, @Arg('attachments', () => [AttachmentInput]) attachments: AttachmentInput[], @Ctx() ctx: Ctx) {
    return this.service.attach(ctx.principal, id, attachments);
  }

  @Requires('dossier.attach')
  @Mutation(() => DossierAttachmentType, { description: 'The next part of a file too large for one request (a request body is at most 1 MiB).' })
  appendDossierAttachment(@Arg('attachmentId', () => ID) attachmentId: string, @Arg('contentBase64', () => String) contentBase64: string, @Ctx() ctx: Ctx) {
    return this.service.appendAttachment(ctx.principal, attachmentId, contentBase64);
  }

  @FieldResolver(() => DossierStatus, { description: 'EXPIRED: approved, but past its validity.' })
  status(@Root() row: SafetyDossierEntity) {
    return dossierStatusOf(row);
  }

  @FieldResolver(() => InformationSystemType)
  system(@Root() row: SafetyDossierEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.informationSystem.load(row.systemId);
  }

  @FieldResolver(() => OrganizationType)
  owner(@Root() row: SafetyDossierEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(row.ownerId);
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: 'The organisation that made the latest decision.' })
  reviewer(@Root() row: SafetyDossierEntity, @Ctx() ctx: Ctx) {
    return row.reviewerOrgId ? ctx.loaders.organization.load(row.reviewerOrgId) : null;
  }

  @FieldResolver(() => [DossierEventType], { description: 'Every step, oldest first.' })
  async history(@Root() row: SafetyDossierEntity, @Ctx() ctx: Ctx): Promise<DossierEventType[]> {
    const events: DossierEventEntity[] = await ctx.loaders.dossierHistory.load(row.id);
    return events.map((e) => ({
      id: e.id,
      kind: e.kind,
      version: e.version,
      proposedLevel: e.proposedLevel,
      comments: e.comments,
      description: e.snapshot?.description ?? null,
      measures: e.snapshot?.measures ?? null,
      validUntil: e.validUntil,
      at: e.createdAt,
      actorOrgId: e.actorOrgId,
      actorSubject: e.actorSub,
    }));
  }

  @FieldResolver(() => [DossierAttachmentType], { description: 'Oldest first.' })
  attachments(@Root() row: SafetyDossierEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.dossierAttachments.load(row.id);
  }
}

@Resolver(() => DossierEventType)
export class DossierEventResolver {
  @FieldResolver(() => OrganizationType)
  actorOrganization(@Root() e: DossierEventType, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(e.actorOrgId);
  }
}

@Resolver(() => DossierAttachmentType)
export class DossierAttachmentResolver {
  @FieldResolver(() => String, { nullable: true, description: 'The content as text, for text/* attachments; null otherwise.' })
  async text(@Root() a: DossierAttachmentEntity, @Ctx() ctx: Ctx) {
    if (!a.mediaType.startsWith('text/')) return null;
    return (await ctx.loaders.attachmentContent.load(a.id))?.toString('utf8') ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The content, base64.' })
  async contentBase64(@Root() a: DossierAttachmentEntity, @Ctx() ctx: Ctx) {
    return (await ctx.loaders.attachmentContent.load(a.id))?.toString('base64') ?? null;
  }
}
