import { expect } from 'vitest';
import type { GqlResponse, TestApp } from './app';

/** GraphQL documents and helpers shared by the registry tests. */
export const SYSTEM_FIELDS = `id name purpose proposedLevel approvedLevel approvedUntil status requiredLevel lifecycle
  owner { code } competentReviewer { code } ranges { cidr covered }`;
export const DOSSIER_FIELDS = `id version proposedLevel description measures status submittedBy reviewComments validUntil
  system { id } owner { code } reviewer { code }
  history { kind version proposedLevel comments description measures validUntil actorSubject actorOrganization { code } }
  attachments { id name mediaType size sha256 version }`;

export const REGISTER = `mutation($input: InformationSystemInput!) { registerInformationSystem(input: $input) { ${SYSTEM_FIELDS} } }`;
export const UPDATE_SYSTEM = `mutation($id: ID!, $input: InformationSystemUpdateInput!) { updateInformationSystem(id: $id, input: $input) { ${SYSTEM_FIELDS} } }`;
export const SUBMIT = `mutation($input: DossierInput!) { submitDossier(input: $input) { ${DOSSIER_FIELDS} } }`;
export const REVISE = `mutation($id: ID!, $input: DossierRevisionInput!) { reviseDossier(id: $id, input: $input) { ${DOSSIER_FIELDS} } }`;
export const REVIEW = `mutation($id: ID!, $approve: Boolean!, $comments: String, $validUntil: DateTimeISO) {
  reviewDossier(id: $id, approve: $approve, comments: $comments, validUntil: $validUntil) { ${DOSSIER_FIELDS} }
}`;
export const SYSTEM = `query($id: ID!) { informationSystem(id: $id) { ${SYSTEM_FIELDS} } }`;
export const SYSTEMS = `query($f: InformationSystemFilter, $first: Int, $after: String) {
  informationSystems(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name status owner { code } } } }
}`;
export const RECORD = `mutation($s: ID!, $items: [RequirementStatusInput!]!) {
  recordRequirementStatus(systemId: $s, items: $items) { id checklist { met evidence source requirement { code level } } unmetRequirements { requirement { code } } }
}`;

/** The data of a call that must succeed. */
export function ok<T = Record<string, any>>(res: GqlResponse, field: string): T {
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data![field] as T;
}

/** The one error of a call that must fail, leaving no data. */
export function failure(res: GqlResponse, field: string) {
  expect(res.body.data?.[field] ?? null).toBeNull();
  expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
  return res.body.errors![0];
}

export async function registerSystem(app: TestApp, token: string, input: Record<string, unknown>) {
  return ok(await app.gql(token, REGISTER, { input: { proposedLevel: 2, ...input } }), 'registerInformationSystem');
}

export async function submitDossier(app: TestApp, token: string, systemId: string, input: Record<string, unknown> = {}) {
  return ok(
    await app.gql(token, SUBMIT, { input: { systemId, proposedLevel: 2, description: 'Level 2 dossier', measures: ['firewall'], ...input } }),
    'submitDossier',
  );
}

export async function reviewDossier(app: TestApp, token: string, id: string, approve: boolean, extra: Record<string, unknown> = {}) {
  return ok(await app.gql(token, REVIEW, { id, approve, comments: approve ? null : 'please complete the measures', ...extra }), 'reviewDossier');
}

/** The catalogue's ids by code. */
export async function requirementIds(app: TestApp, token: string): Promise<Record<string, string>> {
  const list = ok<{ id: string; code: string }[]>(await app.gql(token, '{ requirements { id code } }'), 'requirements');
  return Object.fromEntries(list.map((r) => [r.code, r.id]));
}

/** Declares `cidrs` as `org`'s asset ranges and has a coordinator ADMIN approve them: only approved ranges count. */
export async function approvedRanges(app: TestApp, declarer: string, coordinatorAdmin: string, org: string, cidrs: string[]): Promise<void> {
  ok(await app.gql(declarer, 'mutation($r: [String!]!) { setAssetRanges(ranges: $r) { cidr } }', { r: cidrs }), 'setAssetRanges');
  const pending = (ok(await app.gql(declarer, '{ assetRanges { cidr status } }'), 'assetRanges') as { cidr: string; status: string }[])
    .filter((r: { status: string }) => r.status === 'PENDING')
    .map((r: { cidr: string }) => r.cidr);
  if (!pending.length) return;
  ok(
    await app.gql(coordinatorAdmin, 'mutation($o: String!, $c: [String!]!) { reviewAssetRanges(organization: $o, cidrs: $c, approve: true, reason: "test") { cidr } }', { o: org, c: pending }),
    'reviewAssetRanges',
  );
}
