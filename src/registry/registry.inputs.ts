import type { AudienceInput } from '../organizations/audience';

export type { AudienceInput };
import type { ApprovalStatus, DossierStatus, InspectionKind, InspectionStatus, OrgKind, StatisticsGrouping, SystemLifecycle } from '../common/enums';

/** Plain inputs of the registry services; the GraphQL input classes implement them. */
export interface InformationSystemInput {
  name: string;
  purpose?: string | null;
  proposedLevel: number;
  /** CIDR blocks (or single addresses), each inside one of the owner's asset ranges. */
  ranges?: string[] | null;
}

export interface InformationSystemUpdateInput {
  name?: string | null;
  purpose?: string | null;
  /** Only while no dossier is open; submitting a dossier sets it too. */
  proposedLevel?: number | null;
  ranges?: string[] | null;
  lifecycle?: SystemLifecycle | null;
}

export interface InformationSystemFilter {
  /** Owners' organisation codes. */
  owners?: string[] | null;
  /** An organisation code: its systems and those of every organisation below it. */
  subtreeOf?: string | null;
  statuses?: ApprovalStatus[] | null;
  /** The proposed level. */
  levels?: number[] | null;
  lifecycle?: SystemLifecycle | null;
  /** Case-insensitive part of the name. */
  nameContains?: string | null;
}

export interface AttachmentInput {
  name: string;
  /** Default text/plain for `text`, application/octet-stream for `contentBase64`. */
  mediaType?: string | null;
  /** Exactly one of `text` and `contentBase64`. */
  text?: string | null;
  contentBase64?: string | null;
}

export interface DossierInput {
  systemId: string;
  proposedLevel: number;
  description: string;
  measures?: string[] | null;
  attachments?: AttachmentInput[] | null;
}

export interface DossierRevisionInput {
  proposedLevel?: number | null;
  description?: string | null;
  measures?: string[] | null;
  attachments?: AttachmentInput[] | null;
}

export interface DossierFilter {
  systemId?: string | null;
  statuses?: DossierStatus[] | null;
  owners?: string[] | null;
  /** Only dossiers the caller is the competent reviewer of. */
  toReview?: boolean | null;
}

export interface RequirementStatusInput {
  requirementId: string;
  met: boolean;
  evidence?: string | null;
}

export interface RequirementInput {
  code: string;
  title: string;
  description?: string | null;
  level: number;
  category: string;
  legalBasis?: string | null;
}

export interface RequirementUpdateInput {
  title?: string | null;
  description?: string | null;
  level?: number | null;
  category?: string | null;
  legalBasis?: string | null;
  active?: boolean | null;
}

export interface InspectionFindingInput {
  requirementId: string;
  met: boolean;
  note?: string | null;
}

export interface InspectionFilter {
  systemId?: string | null;
  statuses?: InspectionStatus[] | null;
  kinds?: InspectionKind[] | null;
}

export interface StatisticsArgs {
  /** An organisation code: its subtree, within what the caller may read. Default: the caller's whole scope. */
  organization?: string | null;
  groupBy?: StatisticsGrouping | null;
}

export interface RankingFilter {
  organization?: string | null;
  kinds?: OrgKind[] | null;
}

export interface RankingPublicationInput {
  title: string;
  summary?: string | null;
  audience: AudienceInput;
  kinds?: OrgKind[] | null;
}
