import type { EntityManager } from 'typeorm';
import type { Claim, Entry, Run } from './types';

/**
 * Claims every importable object of a bundle for the organisation, in STIX-id
 * order (so two imports of overlapping bundles queue rather than deadlock).
 * A row that is new is inserted now; a concurrent import of the same object
 * waits on the unique key until this transaction ends, then finds the row
 * and compares versions. Existing rows are locked until the end of the
 * import and only change once their object is stored (see `settle`).
 */
export async function claim(m: EntityManager, orgId: string, entries: Entry[], kindOf: (e: Entry) => string): Promise<Map<string, Claim>> {
  const out = new Map<string, Claim>();
  if (!entries.length) return out;
  const rows = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((e) => ({ stix_id: e.id, modified: e.modified, local_kind: kindOf(e), source_ref: e.sourceRef }));
  const json = JSON.stringify(rows);
  const inserted: { stix_id: string }[] = await m.query(
    `INSERT INTO stix_provenance (organization_id, stix_id, modified, local_kind, source_ref)
     SELECT $2, x.stix_id, x.modified, x.local_kind, x.source_ref
       FROM jsonb_to_recordset($1::jsonb) AS x(stix_id text, modified timestamptz, local_kind text, source_ref text)
      ORDER BY x.stix_id COLLATE "C"
     ON CONFLICT (organization_id, stix_id) DO NOTHING
     RETURNING stix_id`,
    [json, orgId],
  );
  for (const r of inserted) out.set(r.stix_id, { state: 'NEW', localIds: [] });
  const rest = rows.filter((r) => !out.has(r.stix_id));
  if (rest.length) {
    // An object without `modified` cannot be ordered: it is applied again, as before there was a version to compare.
    const held: { stix_id: string; local_ids: string[]; cmp: number }[] = await m.query(
      `SELECT p.stix_id, p.local_ids,
              CASE WHEN x.modified IS NULL OR p.modified IS NULL OR x.modified > p.modified THEN 1 WHEN x.modified < p.modified THEN -1 ELSE 0 END AS cmp
         FROM stix_provenance p
         JOIN jsonb_to_recordset($1::jsonb) AS x(stix_id text, modified timestamptz) ON x.stix_id = p.stix_id
        WHERE p.organization_id = $2
        ORDER BY p.stix_id COLLATE "C"
        FOR UPDATE OF p`,
      [JSON.stringify(rest.map((r) => ({ stix_id: r.stix_id, modified: r.modified }))), orgId],
    );
    for (const h of held) out.set(h.stix_id, { state: h.cmp > 0 ? 'NEWER' : h.cmp < 0 ? 'OLDER' : 'SAME', localIds: h.local_ids });
  }
  return out;
}

/** Writes what the stored objects became, and drops the claims of objects that were not stored. */
export async function settle(run: Run): Promise<void> {
  const { m, p } = run;
  if (run.settled.length) {
    const rows = run.settled.map((s) => ({ stix_id: s.entry.id, modified: s.entry.modified, local_kind: s.localType, local_ids: s.localIds, source_ref: s.entry.sourceRef }));
    await m.query(
      `UPDATE stix_provenance p
          SET modified = x.modified, local_kind = x.local_kind, local_ids = x.local_ids, source_ref = x.source_ref, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(stix_id text, modified timestamptz, local_kind text, local_ids uuid[], source_ref text)
        WHERE p.organization_id = $2 AND p.stix_id = x.stix_id`,
      [JSON.stringify(rows), p.orgId],
    );
  }
  if (run.dropped.length) await m.query('DELETE FROM stix_provenance WHERE organization_id = $1 AND stix_id = ANY($2::text[])', [p.orgId, run.dropped]);
}

/** The local objects an earlier import made of a STIX object, if this organisation imported it. */
export async function heldLocalIds(m: EntityManager, orgId: string, stixId: string, kind: string): Promise<string[]> {
  const rows: { local_ids: string[] }[] = await m.query(
    'SELECT local_ids FROM stix_provenance WHERE organization_id = $1 AND stix_id = $2 AND local_kind = $3',
    [orgId, stixId, kind],
  );
  return rows[0]?.local_ids ?? [];
}
