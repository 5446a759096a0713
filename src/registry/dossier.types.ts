import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DossierStatus } from '../common/enums';
import { ConnectionType } from '../common/pagination';
import type * as In from './registry.inputs';

@ObjectType('SafetyDossier', { description: "An owner's case for its system's safety level, reviewed by the competent authority." })
export class SafetyDossierType {
  @Field(() => ID)
  id!: string;

  seq!: string;
  systemId!: string;
  ownerId!: string;
  status!: DossierStatus;
  reviewerOrgId!: string | null;

  @Field(() => Int, { description: '1 for the first submission, one more for each revision.' })
  version!: number;

  @Field(() => Int)
  proposedLevel!: number;

  @Field(() => String)
  description!: string;

  @Field(() => [String], { description: 'The protection measures the owner claims.' })
  measures!: string[];

  @Field(() => Date, { description: 'The latest submission; waiting time counts from here.' })
  submittedAt!: Date;

  @Field(() => String, { description: 'Who submitted the latest version (organisation/subject).' })
  submittedBy!: string;

  @Field(() => Date, { nullable: true })
  reviewedAt!: Date | null;

  @Field(() => String, { nullable: true })
  reviewedBy!: string | null;

  @Field(() => String, { nullable: true, description: "The reviewer's comments on the latest decision." })
  reviewComments!: string | null;

  @Field(() => Date, { nullable: true, description: 'Approved dossiers: until when the approval holds.' })
  validUntil!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

export const SafetyDossierConnection = ConnectionType(SafetyDossierType, 'SafetyDossier');

@ObjectType('DossierEvent', { description: "One step of a dossier's history." })
export class DossierEventType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'SUBMITTED, REVISED, ATTACHED, APPROVED, RETURNED or WITHDRAWN.' })
  kind!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => Int, { nullable: true, description: 'SUBMITTED and REVISED: the level proposed.' })
  proposedLevel!: number | null;

  @Field(() => String, { nullable: true, description: "The reviewer's comments, the withdrawal reason, or the names of attached files." })
  comments!: string | null;

  @Field(() => String, { nullable: true, description: 'SUBMITTED and REVISED: the description as submitted.' })
  description!: string | null;

  @Field(() => [String], { nullable: true, description: 'SUBMITTED and REVISED: the measures as submitted.' })
  measures!: string[] | null;

  @Field(() => Date, { nullable: true, description: 'APPROVED: the validity given.' })
  validUntil!: Date | null;

  @Field(() => Date)
  at!: Date;

  actorOrgId!: string;

  @Field(() => String)
  actorSubject!: string;
}

@ObjectType('DossierAttachment', { description: 'A file or text attached to a dossier.' })
export class DossierAttachmentType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  mediaType!: string;

  @Field(() => Int, { description: 'Bytes.' })
  size!: number;

  @Field(() => String, { description: 'SHA-256 of the content, hex.' })
  sha256!: string;

  @Field(() => Int, { description: 'The dossier version it was added in.' })
  version!: number;

  @Field(() => Date)
  createdAt!: Date;
}

@InputType()
export class AttachmentInput implements In.AttachmentInput {
  @Field(() => String, { description: 'A file name, at most 255 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Default text/plain for text, application/octet-stream for content.' })
  mediaType?: string | null;

  @Field(() => String, { nullable: true, description: 'Text content; exactly one of text and contentBase64.' })
  text?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'File content, standard base64. At most 4 MiB per file (send larger files in parts: appendDossierAttachment), 8 MiB and 20 files per dossier.',
  })
  contentBase64?: string | null;
}

@InputType()
export class DossierInput implements In.DossierInput {
  @Field(() => ID)
  systemId!: string;

  @Field(() => Int, { description: '1 to 5.' })
  proposedLevel!: number;

  @Field(() => String)
  description!: string;

  @Field(() => [String], { nullable: true, description: 'The protection measures the system has.' })
  measures?: string[] | null;

  @Field(() => [AttachmentInput], { nullable: true })
  attachments?: AttachmentInput[] | null;
}

@InputType({ description: 'Fields left out keep their value; attachments are added.' })
export class DossierRevisionInput implements In.DossierRevisionInput {
  @Field(() => Int, { nullable: true })
  proposedLevel?: number | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  measures?: string[] | null;

  @Field(() => [AttachmentInput], { nullable: true })
  attachments?: AttachmentInput[] | null;
}

@InputType()
export class DossierFilter implements In.DossierFilter {
  @Field(() => ID, { nullable: true })
  systemId?: string | null;

  @Field(() => [DossierStatus], { nullable: true })
  statuses?: DossierStatus[] | null;

  @Field(() => [String], { nullable: true, description: 'Owner organisation codes.' })
  owners?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only SUBMITTED dossiers the caller is the competent reviewer of.' })
  toReview?: boolean | null;
}
