import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { TestApp } from './app';

/** Helpers for the STIX-in tests: the import mutation, bundles, and reading back what an organisation holds. */
export const IMPORT = `mutation($bundle: JSONObject!, $atomic: Boolean) { importStix(bundle: $bundle, atomic: $atomic) {
  imported updated unchanged ignored rejected results { index id type status reason indicatorIds localType localIds } } }`;

export const TLP = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
export const CORE = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126';
export const FOREIGN = 'identity--8f7e9b1c-0000-4000-8000-000000000002';

export const bundle = (objects: unknown[]) => ({ type: 'bundle', id: `bundle--${randomUUID()}`, objects });
export const stamp = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

export function incident(extra: Record<string, unknown> = {}, core: Record<string, unknown> = {}) {
  return {
    type: 'incident', spec_version: '2.1', id: `incident--${randomUUID()}`, created: stamp(0), modified: stamp(0), created_by_ref: FOREIGN,
    name: 'Web server compromised', description: 'Defaced portal',
    extensions: { [CORE]: { extension_type: 'property-extension', investigation_status: 'new', criticality: 75, incident_types: ['defacement'], ...core } },
    ...extra,
  };
}

export function note(about: string, content: string, extra: Record<string, unknown> = {}) {
  return { type: 'note', spec_version: '2.1', id: `note--${randomUUID()}`, created: stamp(1), modified: stamp(1), created_by_ref: FOREIGN, content, object_refs: [about], ...extra };
}

export function report(refs: unknown[], extra: Record<string, unknown> = {}) {
  return {
    type: 'report', spec_version: '2.1', id: `report--${randomUUID()}`, created: stamp(0), modified: stamp(0), created_by_ref: FOREIGN,
    name: 'Campaign against banks', description: 'Phishing wave.\n\nDetails follow.', report_types: ['threat-report'], published: stamp(0),
    object_refs: refs, labels: ['high'], ...extra,
  };
}

export function indicator(pattern: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'indicator', spec_version: '2.1', id: `indicator--${randomUUID()}`, created: stamp(0), modified: stamp(0),
    pattern, pattern_type: 'stix', valid_from: stamp(0), created_by_ref: FOREIGN, ...extra,
  };
}

/** Imports and expects no GraphQL error. */
export async function importOk(app: TestApp, token: string, b: unknown, atomic = false) {
  const res = await app.gql(token, IMPORT, { bundle: b, atomic });
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data!.importStix as { imported: number; updated: number; unchanged: number; ignored: number; rejected: number; results: any[] };
}

export const INCIDENT = `query($id: ID!) { incident(id: $id) { id title description status severity category tlp author { code } timeline { kind note toStatus actorOrganization { code } } } }`;
export const ADVISORY = `query($id: ID!) { advisory(id: $id) { id title summary body status severity tlp cveIds recommendedActions author { code } observables { type value } } }`;

/** Rows an organisation owns in a table, counted directly (what "nothing was stored" means). */
export async function owned(app: TestApp, orgId: string): Promise<Record<string, number>> {
  const [row] = await app.db.query(
    `SELECT (SELECT count(*) FROM incidents WHERE author_id = $1)::int AS incidents,
            (SELECT count(*) FROM incident_events WHERE actor_org_id = $1)::int AS events,
            (SELECT count(*) FROM advisories WHERE author_id = $1)::int AS advisories,
            (SELECT count(*) FROM sightings WHERE author_id = $1)::int AS sightings,
            (SELECT count(*) FROM indicators WHERE author_id = $1)::int AS indicators,
            (SELECT count(*) FROM stix_provenance WHERE organization_id = $1)::int AS provenance`,
    [orgId],
  );
  return row;
}
