import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IncidentCategory, IncidentStatus, Severity, Tlp } from '../common/enums';
import { Key } from '../common/federation';
import { ConnectionType } from '../common/pagination';
import { SharedObjectType } from '../common/shared.types';
import type * as In from './incident.inputs';
import { ObservableInput } from '../intel/intel.types';

@Key('id')
@ObjectType('Incident', { description: 'An incident an organisation reported on one of its systems, followed to closure.' })
export class IncidentType extends SharedObjectType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => IncidentCategory)
  category!: IncidentCategory;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => IncidentStatus)
  status!: IncidentStatus;

  @Field(() => Date, { nullable: true })
  occurredAt!: Date | null;

  @Field(() => Date, { nullable: true })
  detectedAt!: Date | null;

  @Field(() => [String], { description: 'Names of the affected information systems.' })
  affectedSystems!: string[];

  @Field(() => String, { nullable: true, description: 'The responder handling it.' })
  assignee!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { description: 'Bumped by every update and share.' })
  updatedAt!: Date;
}

export const IncidentConnection = ConnectionType(IncidentType, 'Incident');

@ObjectType('IncidentEvent', { description: 'One entry of an incident\'s timeline.' })
export class IncidentEventType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'REPORTED, STATUS_CHANGED, NOTE, ASSIGNED or SHARED.' })
  kind!: string;

  @Field(() => IncidentStatus, { nullable: true })
  fromStatus!: IncidentStatus | null;

  @Field(() => IncidentStatus, { nullable: true })
  toStatus!: IncidentStatus | null;

  @Field(() => String, {
    nullable: true,
    description: 'NOTE: the note. ASSIGNED: the new assignee (null when unassigned). SHARED: the recipients added, only to those who may know recipients.',
  })
  note!: string | null;

  @Field(() => Date)
  at!: Date;

  actorOrgId!: string;

  @Field(() => String, { description: 'The token subject (user or service) that made the change.' })
  actorSubject!: string;
}

@InputType()
export class IncidentInput implements In.IncidentInput {
  @Field(() => String, { description: 'At most 200 characters.' })
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => IncidentCategory)
  category!: IncidentCategory;

  @Field(() => Severity, { nullable: true, description: 'Default MEDIUM.' })
  severity?: Severity | null;

  @Field(() => Date, { nullable: true })
  occurredAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Not before occurredAt.' })
  detectedAt?: Date | null;

  @Field(() => [String], { nullable: true })
  affectedSystems?: string[] | null;

  @Field(() => [ObservableInput], { nullable: true, description: 'At most 1,000.' })
  observables?: ObservableInput[] | null;

  @Field(() => Tlp, { nullable: true, description: 'Default AMBER_STRICT (RED when the organisation\'s default is RED): no other agency reads it unless named a recipient.' })
  tlp?: Tlp | null;

  @Field(() => [String], { nullable: true, description: 'Organisation codes or sharing-group names.' })
  recipients?: string[] | null;
}

@InputType()
export class IncidentUpdateInput implements In.IncidentUpdateInput {
  @Field(() => IncidentStatus, { nullable: true, description: 'The next status; see Incident.nextStatuses.' })
  status?: IncidentStatus | null;

  @Field(() => String, { nullable: true, description: 'Appended to the timeline.' })
  note?: string | null;

  @Field(() => String, { nullable: true, description: 'The responder; null or empty unassigns. Coordinator analysts only.' })
  assignee?: string | null;
}

@InputType()
export class IncidentFilter implements In.IncidentFilter {
  @Field(() => [IncidentStatus], { nullable: true })
  statuses?: IncidentStatus[] | null;

  @Field(() => Severity, { nullable: true, description: 'At least this severity.' })
  minSeverity?: Severity | null;

  @Field(() => [IncidentCategory], { nullable: true })
  categories?: IncidentCategory[] | null;

  @Field(() => [String], { nullable: true, description: 'Reporting organisation codes.' })
  authors?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Reported at or after.' })
  reportedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Reported before.' })
  reportedBefore?: Date | null;

  @Field(() => String, { nullable: true, description: 'Assigned to this responder (case-insensitive).' })
  assignee?: string | null;
}
