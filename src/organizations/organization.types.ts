import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { KeyStatus, OrgKind, OrgStatus, Role, Tlp } from '../common/enums';
import { Key } from '../common/federation';
import { ConnectionType } from '../common/pagination';
import type * as In from './organization.inputs';

@Key('code')
@ObjectType('Organization', { description: 'A member of the sharing community.' })
export class OrganizationType {
  @Field(() => ID)
  id!: string;

  seq!: string;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => OrgKind)
  kind!: OrgKind;

  @Field(() => String, { nullable: true })
  sector!: string | null;

  @Field(() => String, { nullable: true })
  region!: string | null;

  parentId!: string | null;

  @Field(() => OrgStatus)
  status!: OrgStatus;

  @Field(() => [Role])
  allowedRoles!: Role[];

  @Field(() => Tlp)
  defaultTlp!: Tlp;

  @Field(() => Date)
  createdAt!: Date;
}

export const OrganizationConnection = ConnectionType(OrganizationType, 'Organization');

@ObjectType('SigningKey', { description: 'A public key an organisation signs its tokens with.' })
export class SigningKeyType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  kid!: string;

  @Field(() => String)
  alg!: string;

  @Field(() => KeyStatus)
  status!: KeyStatus;

  @Field(() => GraphQLJSONObject, { description: 'The public JWK.' })
  jwk!: Record<string, unknown>;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'For a RETIRED key: it verifies tokens until this time, and never after.' })
  retiredUntil!: Date | null;
}

@ObjectType('Principal', { description: 'Who the current token speaks for.' })
export class PrincipalType {
  organizationId!: string;

  @Field(() => String)
  subject!: string;

  @Field(() => [Role])
  roles!: Role[];

  @Field(() => Date, { description: 'When the token expires.' })
  expiresAt!: Date;

  @Field(() => String, { description: 'The token id (jti).' })
  tokenId!: string;

  @Field(() => String, { description: 'The signing key id (kid).' })
  keyId!: string;
}

@InputType()
export class OrganizationInput implements In.OrganizationInput {
  @Field(() => String, { description: 'Upper-case code, e.g. BKAV.' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => OrgKind)
  kind!: OrgKind;

  @Field(() => String, { nullable: true })
  sector?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'Code of the parent organisation.' })
  parent?: string | null;

  @Field(() => [Role], { nullable: true, description: 'Defaults by kind.' })
  allowedRoles?: Role[] | null;

  @Field(() => Tlp, { nullable: true })
  defaultTlp?: Tlp | null;
}

@InputType()
export class OrganizationUpdateInput implements In.OrganizationUpdateInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  sector?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => OrgStatus, { nullable: true })
  status?: OrgStatus | null;

  @Field(() => [Role], { nullable: true })
  allowedRoles?: Role[] | null;

  @Field(() => Tlp, { nullable: true })
  defaultTlp?: Tlp | null;
}

