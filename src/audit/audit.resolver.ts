import { Args, ArgsType, Ctx, Field, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import { PageArgs } from '../common/pagination';
import type { AuditEventEntity } from './audit-event.entity';
import type { AuditLogService } from './audit-log.service';
import { AuditEventConnection, AuditEventType, AuditFilter } from './audit.types';

@ArgsType()
class AuditEventsArgs extends PageArgs {
  @Field(() => AuditFilter, { nullable: true })
  filter?: AuditFilter | null;
}

/** The entity's columns under the API's names. */
function toNode(e: AuditEventEntity): AuditEventType {
  return {
    id: e.id,
    seq: e.seq,
    at: e.at,
    organization: e.organizationCode,
    subject: e.subject,
    tokenId: e.jti,
    keyId: e.kid,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    outcome: e.outcome as AuditEventType['outcome'],
    detail: e.detail,
  };
}

@Resolver(() => AuditEventType)
export class AuditResolver {
  constructor(private readonly log: AuditLogService) {}

  @Requires('audit.read')
  @Query(() => AuditEventConnection, {
    description: 'The audit log, newest first. An ADMIN reads its own organisation\'s and its descendants\' events; a coordinator ADMIN everything.',
  })
  async auditEvents(@Args(() => AuditEventsArgs) args: AuditEventsArgs, @Ctx() ctx: RequestContext) {
    const page = await this.log.list(ctx.principal, args.filter, args);
    return AuditEventConnection.from(page, toNode);
  }
}
