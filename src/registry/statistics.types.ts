import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ApprovalStatus, IncidentStatus, StatisticsGrouping } from '../common/enums';
import { RequirementType } from './requirement.types';

@ObjectType('ApprovalStatusCount', { simpleResolvers: true })
export class ApprovalStatusCountType {
  @Field(() => ApprovalStatus)
  status!: ApprovalStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType('LevelCount', { simpleResolvers: true, description: 'Systems at a level: the approved level while valid, else the proposed one.' })
export class LevelCountType {
  @Field(() => Int)
  level!: number;

  @Field(() => Int)
  systems!: number;

  @Field(() => Int)
  approved!: number;
}

@ObjectType('SystemFigures', { simpleResolvers: true, description: 'Systems in operation.' })
export class SystemFiguresType {
  @Field(() => Int)
  total!: number;

  @Field(() => Int, { description: 'With a valid approval.' })
  approved!: number;

  @Field(() => Float, { nullable: true, description: 'approved / total, 0 to 1; null with no system.' })
  approvedShare!: number | null;

  @Field(() => [ApprovalStatusCountType])
  byStatus!: ApprovalStatusCountType[];

  @Field(() => [LevelCountType])
  byLevel!: LevelCountType[];
}

@ObjectType('UnmetRequirementCount', { simpleResolvers: true })
export class UnmetRequirementCountType {
  @Field(() => RequirementType)
  requirement!: RequirementType;

  @Field(() => Int, { description: 'Systems that do not meet it.' })
  unmet!: number;
}

@ObjectType('RequirementFigures', { simpleResolvers: true, description: 'Checklist lines of systems in operation that apply at their level.' })
export class RequirementFiguresType {
  @Field(() => Int)
  applicable!: number;

  @Field(() => Int)
  unmet!: number;

  @Field(() => Float, { nullable: true, description: '(applicable − unmet) / applicable; null with none applicable.' })
  metShare!: number | null;

  @Field(() => [UnmetRequirementCountType], { description: 'Most often unmet first.' })
  byRequirement!: UnmetRequirementCountType[];
}

@ObjectType('DossierFigures', { simpleResolvers: true, description: 'Dossiers waiting for review.' })
export class DossierFiguresType {
  @Field(() => Int)
  waiting!: number;

  @Field(() => Float, { nullable: true })
  meanWaitingHours!: number | null;

  @Field(() => Float, { nullable: true })
  oldestWaitingHours!: number | null;
}

@ObjectType('IncidentStatusCount', { simpleResolvers: true })
export class IncidentStatusCountType {
  @Field(() => IncidentStatus)
  status!: IncidentStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType('IncidentFigures', { simpleResolvers: true, description: "Incidents the scope's organisations reported, of those the caller may read." })
export class IncidentFiguresType {
  @Field(() => Int)
  total!: number;

  @Field(() => [IncidentStatusCountType])
  byStatus!: IncidentStatusCountType[];

  @Field(() => Int, { description: 'Neither RESOLVED nor CLOSED.' })
  open!: number;

  @Field(() => Float, { nullable: true, description: 'Since reported.' })
  meanOpenAgeHours!: number | null;

  @Field(() => Float, { nullable: true })
  oldestOpenAgeHours!: number | null;

  @Field(() => Int)
  closed!: number;

  @Field(() => Float, { nullable: true, description: 'From report to the last move to CLOSED.' })
  meanTimeToCloseHours!: number | null;
}

@ObjectType('ExposureFigures', {
  description: "EXPOSURE warnings (indicators inside the organisations' address space) the caller may read.",
})
export class ExposureFiguresType {
  @Field(() => Int)
  total!: number;

  @Field(() => Int, { description: 'The indicator is neither revoked nor expired.' })
  open!: number;

  @Field(() => Int)
  remediated!: number;

  @Field(() => Float, { nullable: true, description: 'From the warning to the revocation or expiry of the indicator, whichever came first.' })
  meanTimeToRemediationHours!: number | null;
}

@ObjectType('StatisticsGroup', { simpleResolvers: true })
export class StatisticsGroupType {
  @Field(() => String, { description: 'The organisation code, kind, sector or region ("(none)" when unset), or ALL.' })
  key!: string;

  organizationId!: string | null;

  @Field(() => SystemFiguresType)
  systems!: SystemFiguresType;

  @Field(() => RequirementFiguresType)
  requirements!: RequirementFiguresType;

  @Field(() => DossierFiguresType)
  dossiers!: DossierFiguresType;

  @Field(() => IncidentFiguresType)
  incidents!: IncidentFiguresType;

  @Field(() => ExposureFiguresType)
  exposures!: ExposureFiguresType;

  @Field(() => Int, { description: 'Scheduled inspections past their due date.' })
  inspectionsOverdue!: number;
}

@ObjectType('RegistryStatistics', { description: 'Figures over what the caller may read, grouped as asked.' })
export class RegistryStatisticsType {
  @Field(() => StatisticsGrouping)
  groupBy!: StatisticsGrouping;

  organizationId!: string | null;

  @Field(() => Date)
  computedAt!: Date;

  @Field(() => StatisticsGroupType, { description: 'The whole scope.' })
  total!: StatisticsGroupType;

  @Field(() => [StatisticsGroupType], { description: 'Groups with anything counted, by key; one group ALL with groupBy NONE.' })
  groups!: StatisticsGroupType[];
}
