import type { DataSource } from 'typeorm';
import { registryVisibleTo, visibleTo, warningVisibleTo } from '../auth/policy';
import type { Principal } from '../auth/principal';
import type { ApprovalStatus, IncidentStatus } from '../common/enums';
import { approvalStatusSql, requiredLevelSql } from './registry.shared';
import { emptyCounters, type Counters } from './statistics.figures';

/** Organisations whose figures are counted: a list of ids, or every organisation (a coordinator's whole view). */
export type StatisticsScope = { orgIds: string[] } | 'all';

/** One aggregated row: a family of figures for one organisation. */
interface Row {
  fam: 'systems' | 'unmet' | 'waiting' | 'incidents' | 'closed' | 'exposure' | 'overdue';
  org: string;
  k: string | null;
  lvl: number | null;
  n: number;
  c: number | null;
  s: number | null;
  mx: number | null;
}

const OPEN_INCIDENT = `t.status NOT IN ('RESOLVED', 'CLOSED')`;
const AGE = (col: string) => `extract(epoch FROM now() - ${col})`;

/**
 * The whole statistics query: one statement, so one snapshot and one round
 * trip, aggregated per organisation, every family under its own policy —
 * systems, checklists, dossiers and inspections under registryVisibleTo,
 * incidents under visibleTo, exposure warnings under warningVisibleTo —
 * applied before aggregation. Exported so that the benchmark's baseline runs
 * exactly this SQL.
 *
 * Definitions: an incident is open until RESOLVED or CLOSED; its time to
 * close runs from its report to its last move to CLOSED. An exposure (an
 * EXPOSURE warning: an indicator inside the organisation's address space) is
 * open while its indicator is neither revoked nor past its valid_until; its
 * time to remediation runs from the warning to the earlier of the revocation
 * and the expiry.
 */
export function statisticsQuery(db: DataSource, p: Principal, scope: StatisticsScope): [string, unknown[]] {
  const inScope = (col: string) => (scope === 'all' ? 'TRUE' : `${col} = ANY(CAST(:stat_scope AS uuid[]))`);
  const sys = registryVisibleTo(p, 's');
  const lines = registryVisibleTo(p, 'sr');
  const dos = registryVisibleTo(p, 'd');
  const ins = registryVisibleTo(p, 'ins');
  const inc = visibleTo(p, 't');
  const warn = warningVisibleTo(p, 'w');
  const sql = `
    WITH sys AS MATERIALIZED (
      SELECT s.id, s.owner_id, ${approvalStatusSql('s')} AS status,
             coalesce(CASE WHEN s.approved_until > now() THEN s.approved_level END, s.proposed_level) AS lvl,
             ${requiredLevelSql('s')} AS req_lvl
        FROM information_systems s
       WHERE s.lifecycle = 'IN_OPERATION' AND ${sys.sql} AND ${inScope('s.owner_id')}
    ), odd AS MATERIALIZED (
      -- Systems some of whose unmet lines do not count: retired ones, and those holding lines above the level
      -- they must meet now (an approval at a higher level than the one now proposed has lapsed). Few, if any.
      SELECT s.id, s.lifecycle, ${requiredLevelSql('s')} AS req_lvl
        FROM information_systems s
       WHERE (s.lifecycle <> 'IN_OPERATION' OR ${requiredLevelSql('s')} < GREATEST(s.proposed_level, coalesce(s.approved_level, 0)))
         AND ${sys.sql} AND ${inScope('s.owner_id')}
    ), lvl_reqs AS MATERIALIZED (
      SELECT l.lvl AS req_lvl, count(r.id) AS n
        FROM generate_series(1, 5) AS l(lvl) LEFT JOIN requirements r ON r.active AND r.level <= l.lvl
       GROUP BY l.lvl
    )
    -- Applicable checklist lines: per system, the active requirements up to its required level (checklist rows exist for all of them).
    SELECT 'systems' AS fam, g.owner_id AS org, g.status::text AS k, g.lvl::int AS lvl, sum(g.n)::bigint AS n, NULL::bigint AS c, sum(g.n * q.n)::float8 AS s, NULL::float8 AS mx
      FROM (SELECT owner_id, status, lvl, req_lvl, count(*) AS n FROM sys GROUP BY owner_id, status, lvl, req_lvl) g
      JOIN lvl_reqs q ON q.req_lvl = g.req_lvl
     GROUP BY g.owner_id, g.status, g.lvl
    UNION ALL
    -- Unmet lines that apply: all unmet lines (an index-only count), less those of odd systems that do not
    -- apply, less those of retired requirements elsewhere. Joining every unmet line to its system costs twice as much.
    SELECT 'unmet', u.owner_id, u.requirement_id::text, NULL, sum(u.n)::bigint, NULL, NULL, NULL
      FROM (
        SELECT sr.owner_id, sr.requirement_id, count(*) AS n
          FROM system_requirements sr
         WHERE NOT sr.met AND ${lines.sql} AND ${inScope('sr.owner_id')}
         GROUP BY sr.owner_id, sr.requirement_id
        UNION ALL
        SELECT sr.owner_id, sr.requirement_id, -count(*)
          FROM odd JOIN system_requirements sr ON sr.system_id = odd.id AND NOT sr.met JOIN requirements r ON r.id = sr.requirement_id
         WHERE odd.lifecycle <> 'IN_OPERATION' OR r.level > odd.req_lvl OR NOT r.active
         GROUP BY sr.owner_id, sr.requirement_id
        UNION ALL
        SELECT sr.owner_id, sr.requirement_id, -count(*)
          FROM requirements r JOIN system_requirements sr ON sr.requirement_id = r.id AND NOT sr.met
         WHERE NOT r.active AND ${lines.sql} AND ${inScope('sr.owner_id')} AND NOT EXISTS (SELECT 1 FROM odd WHERE odd.id = sr.system_id)
         GROUP BY sr.owner_id, sr.requirement_id
      ) u
     GROUP BY u.owner_id, u.requirement_id
    HAVING sum(u.n) > 0
    UNION ALL
    SELECT 'waiting', d.owner_id, NULL, NULL, count(*), NULL, sum(${AGE('d.submitted_at')}), max(${AGE('d.submitted_at')})
      FROM safety_dossiers d
     WHERE d.status = 'SUBMITTED' AND ${dos.sql} AND ${inScope('d.owner_id')}
     GROUP BY d.owner_id
    UNION ALL
    SELECT 'incidents', t.author_id, t.status, NULL, count(*), NULL,
           sum(${AGE('t.created_at')}) FILTER (WHERE ${OPEN_INCIDENT}), max(${AGE('t.created_at')}) FILTER (WHERE ${OPEN_INCIDENT})
      FROM incidents t
     WHERE ${inc.sql} AND ${inScope('t.author_id')}
     GROUP BY t.author_id, t.status
    UNION ALL
    SELECT 'closed', t.author_id, NULL, NULL, count(*), count(c.closed_at), sum(extract(epoch FROM c.closed_at - t.created_at)), NULL
      FROM incidents t
      CROSS JOIN LATERAL (SELECT max(e.created_at) AS closed_at FROM incident_events e WHERE e.incident_id = t.id AND e.to_status = 'CLOSED') c
     WHERE t.status = 'CLOSED' AND ${inc.sql} AND ${inScope('t.author_id')}
     GROUP BY t.author_id
    UNION ALL
    SELECT 'exposure', a.org, CASE WHEN x.open THEN 'OPEN' ELSE 'REMEDIATED' END, NULL, count(*), count(x.secs), sum(x.secs), NULL
      FROM warnings w
      CROSS JOIN LATERAL unnest(w.audience_org_ids) AS a(org)
      JOIN indicators i ON i.id = w.subject_id
      CROSS JOIN LATERAL (
        SELECT NOT i.revoked AND (i.valid_until IS NULL OR i.valid_until > now()) AS open,
               greatest(0, extract(epoch FROM least(CASE WHEN i.revoked THEN i.revoked_at END,
                                                    CASE WHEN i.valid_until <= now() THEN i.valid_until END) - w.created_at)) AS secs
      ) x
     WHERE w.kind = 'EXPOSURE' AND ${warn.sql} AND ${inScope('a.org')}
     GROUP BY a.org, x.open
    UNION ALL
    SELECT 'overdue', ins.owner_id, NULL, NULL, count(*), NULL, NULL, NULL
      FROM inspections ins
     WHERE ins.status = 'SCHEDULED' AND ins.due_at < now() AND ${ins.sql} AND ${inScope('ins.owner_id')}
     GROUP BY ins.owner_id`;
  const params = { ...sys.params, ...lines.params, ...dos.params, ...ins.params, ...inc.params, ...warn.params, ...(scope === 'all' ? {} : { stat_scope: scope.orgIds }) };
  return db.driver.escapeQueryWithParameters(sql, params) as [string, unknown[]];
}

/** Runs the statistics query and folds its rows into counters per organisation. */
export async function countersByOrganization(db: DataSource, p: Principal, scope: StatisticsScope): Promise<Map<string, Counters>> {
  const [sql, params] = statisticsQuery(db, p, scope);
  const rows: Row[] = (await db.query(sql, params)).map(numeric);
  return foldRows(rows);
}

/** pg returns bigint and numeric aggregates as strings. */
function numeric(r: Record<string, unknown>): Row {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { fam: r.fam as Row['fam'], org: r.org as string, k: r.k as string | null, lvl: num(r.lvl), n: Number(r.n), c: num(r.c), s: num(r.s), mx: num(r.mx) };
}

function foldRows(rows: Row[]): Map<string, Counters> {
  const out = new Map<string, Counters>();
  const of = (org: string) => {
    let c = out.get(org);
    if (!c) out.set(org, (c = emptyCounters()));
    return c;
  };
  for (const r of rows) {
    const c = of(r.org);
    switch (r.fam) {
      case 'systems': {
        const approved = r.k === 'APPROVED' ? r.n : 0;
        c.systems += r.n;
        c.approved += approved;
        c.applicable += r.s ?? 0;
        c.byStatus.set(r.k as ApprovalStatus, (c.byStatus.get(r.k as ApprovalStatus) ?? 0) + r.n);
        const lvl = c.byLevel.get(r.lvl!) ?? { systems: 0, approved: 0 };
        c.byLevel.set(r.lvl!, { systems: lvl.systems + r.n, approved: lvl.approved + approved });
        break;
      }
      case 'unmet':
        c.unmet += r.n;
        c.unmetByRequirement.set(r.k!, r.n);
        break;
      case 'waiting':
        c.waiting += r.n;
        c.waitingSeconds += r.s ?? 0;
        c.oldestWaitingSeconds = Math.max(c.oldestWaitingSeconds, r.mx ?? 0);
        break;
      case 'incidents':
        c.incidentsByStatus.set(r.k as IncidentStatus, r.n);
        if (r.s !== null) {
          c.openIncidents += r.n;
          c.openAgeSeconds += r.s;
          c.oldestOpenSeconds = Math.max(c.oldestOpenSeconds, r.mx ?? 0);
        }
        break;
      case 'closed':
        // Closed incidents without a CLOSED event (none should exist) count as closed but not in the mean.
        c.closedIncidents += r.c ?? 0;
        c.closeSeconds += r.s ?? 0;
        break;
      case 'exposure':
        c.exposures += r.n;
        if (r.k === 'OPEN') c.openExposures += r.n;
        else {
          c.remediatedExposures += r.n;
          c.timedRemediations += r.c ?? 0;
          c.remediationSeconds += r.s ?? 0;
        }
        break;
      case 'overdue':
        c.inspectionsOverdue += r.n;
        break;
    }
  }
  return out;
}
