import type { MigrationInterface, QueryRunner } from 'typeorm';

/** src/intel/asset-range.checks.ts's RANGE_LOCK ('tfar'): the lock every writer of address space takes. */
const RANGE_LOCK = 1952866674;

/**
 * threatfed_ranges_exposed's first part, unchanged from RangeExposures: the lock, then the (organisation, range)
 * pairs that stopped (gone) and started (came) being APPROVED in the statement.
 */
const COLLECT_CHANGES = `PERFORM pg_advisory_xact_lock(${RANGE_LOCK});
        IF TG_OP = 'UPDATE' THEN
          SELECT array_agg(o.organization_id), array_agg(o.cidr) INTO gone_orgs, gone_cidrs
            FROM old_ranges o JOIN new_ranges n ON n.id = o.id
           WHERE o.status = 'APPROVED' AND (n.status, n.cidr, n.organization_id) IS DISTINCT FROM (o.status, o.cidr, o.organization_id);
          SELECT array_agg(n.organization_id), array_agg(n.cidr) INTO came_orgs, came_cidrs
            FROM old_ranges o JOIN new_ranges n ON n.id = o.id
           WHERE n.status = 'APPROVED' AND (n.status, n.cidr, n.organization_id) IS DISTINCT FROM (o.status, o.cidr, o.organization_id);
        ELSIF TG_OP = 'DELETE' THEN
          SELECT array_agg(organization_id), array_agg(cidr) INTO gone_orgs, gone_cidrs FROM old_ranges WHERE status = 'APPROVED';
        ELSE
          SELECT array_agg(organization_id), array_agg(cidr) INTO came_orgs, came_cidrs FROM new_ranges WHERE status = 'APPROVED';
        END IF;`;

/** Its last part before this migration: the observables of ranges that came, one GiST search per range. */
const ADD_CAME = `IF came_orgs IS NOT NULL THEN
          INSERT INTO range_exposures (organization_id, observable_id)
          SELECT DISTINCT r.organization_id, o.id
            FROM unnest(came_orgs, came_cidrs) AS r(organization_id, cidr) JOIN observables o ON o.net && r.cidr AND o.net IS NOT NULL
          ON CONFLICT DO NOTHING;
        END IF;`;

/** threatfed_exposures_indicated's INSERT branch, unchanged from ExposureAtIngest. */
const INDICATE_NEW = `EXECUTE $q$
            INSERT INTO indicator_exposures (organization_id, indicator_id, seq)
            SELECT n.organization_id, i.id, i.seq
              FROM new_exposures n CROSS JOIN LATERAL (SELECT id, seq FROM indicators WHERE observable_id = n.observable_id OFFSET 0) i
            ON CONFLICT DO NOTHING$q$;`;

/**
 * Withdrawing approved ranges without scanning everything (issue "National
 * scale": with 10,000 ranges an organisation may now hold). Withdrawing 1,000
 * of an ISP's /24s took 1.8 s, 10,000 took 7.7 s, at the national data set,
 * all of it under the address-space lock that every ingest call waits for:
 * the planner could only hash the exposures by organisation and then test
 * `&&` pair by pair (8.7 million pairs for 1,000 ranges), once to find what a
 * withdrawn range covered and once more to see whether another range still
 * covers it.
 *
 * Now:
 * - What a withdrawn range covered comes either from one GiST search of
 *   observables per range, or, when that is the dearer way, from the
 *   organisation's own exposures keyed by the address's network at each
 *   withdrawn prefix length and hash-joined with the withdrawn ranges. A GiST
 *   search costs ~0.5 ms and an exposure's look-up ~0.05 ms, so the trigger
 *   counts the organisations' exposures first (an index-only count) and
 *   takes the GiST way only for fewer than a tenth as many ranges.
 * - "Still covered" is the prefix-equality probe of ExposureAtIngest, on the
 *   same index, now keyed (network text, organisation): with the text alone
 *   the planner intersected it with all 10,000 ranges of the organisation for
 *   every probe (0.55 ms each; 0.005 ms now).
 * - indicator_exposures loses its rows by index probes per removed exposure
 *   (it hash-joined all indicators: 1.8 s for 8,700 exposures).
 * - Approving ranges takes the same choice the other way round: a GiST search
 *   of observables per range, or one keyed pass over all observables once
 *   that is cheaper (10,000 ranges: 3.1 s, now ~0.6 s).
 */
export class RangeWithdrawal1796900000000 implements MigrationInterface {
  name = 'RangeWithdrawal1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_asset_ranges_approved_cidr"');
    await queryRunner.query(
      `CREATE INDEX "ix_asset_ranges_approved_cidr" ON "asset_ranges" ((cidr::text), organization_id) WHERE status = 'APPROVED'`,
    );
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_ranges_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE gone_orgs uuid[]; gone_cidrs cidr[]; came_orgs uuid[]; came_cidrs cidr[]; held bigint;
      BEGIN
        ${COLLECT_CHANGES}
        IF gone_orgs IS NOT NULL THEN
          SELECT count(*) INTO held FROM range_exposures WHERE organization_id = ANY(gone_orgs);
          -- cand: (organisation, observable, net) that a withdrawn range overlapped; the DELETE below keeps those that
          -- another approved range of the same organisation still overlaps (it holds the address, or lies inside the
          -- observable, a CIDR).
          EXECUTE format($q$
            WITH gone AS MATERIALIZED (
              SELECT DISTINCT organization_id, cidr FROM unnest($1::uuid[], $2::cidr[]) AS r(organization_id, cidr)
            ), %s, prefixes AS MATERIALIZED (
              SELECT * FROM threatfed_approved_prefixes()
            )
            DELETE FROM range_exposures e USING cand c
             WHERE e.organization_id = c.organization_id AND e.observable_id = c.observable_id
               AND NOT EXISTS (SELECT 1 FROM prefixes p CROSS JOIN LATERAL (
                                 SELECT 1 FROM asset_ranges a
                                  WHERE a.cidr::text = set_masklen(network(c.net), p.len)::text AND a.organization_id = c.organization_id
                                    AND a.status = 'APPROVED' OFFSET 0) a
                                WHERE p.family = family(c.net) AND p.len <= masklen(c.net))
               AND NOT (masklen(c.net) < CASE family(c.net) WHEN 4 THEN 32 ELSE 128 END
                        AND EXISTS (SELECT 1 FROM asset_ranges a
                                     WHERE a.cidr << c.net AND a.status = 'APPROVED' AND a.organization_id = c.organization_id))$q$,
            CASE WHEN cardinality(gone_cidrs) * 10 < held THEN
              -- One GiST search of observables per withdrawn range.
              $c$cand AS MATERIALIZED (
                SELECT DISTINCT r.organization_id, o.id AS observable_id, o.net
                  FROM gone r CROSS JOIN LATERAL (SELECT id, net FROM observables WHERE net && r.cidr OFFSET 0) o
              )$c$
            ELSE
              -- The organisations' exposures, each keyed by its network at every withdrawn prefix length (a range holds
              -- an address exactly when it equals that key), hash-joined with the withdrawn ranges; plus the CIDR
              -- observables around a withdrawn range.
              $c$lens AS MATERIALIZED (
                SELECT DISTINCT family(cidr) AS family, masklen(cidr) AS len FROM gone
              ), theirs AS MATERIALIZED (
                SELECT organization_id, observable_id FROM range_exposures WHERE organization_id = ANY($1::uuid[])
              ), mine AS MATERIALIZED (
                SELECT h.organization_id, h.observable_id, o.net
                  FROM theirs h CROSS JOIN LATERAL (SELECT net FROM observables WHERE id = h.observable_id OFFSET 0) o
              ), keyed AS MATERIALIZED (
                SELECT m.organization_id, m.observable_id, m.net, set_masklen(network(m.net), l.len) AS k
                  FROM mine m JOIN lens l ON l.family = family(m.net) AND l.len <= masklen(m.net)
              ), cand AS MATERIALIZED (
                SELECT k.organization_id, k.observable_id, k.net FROM keyed k JOIN gone r ON r.organization_id = k.organization_id AND r.cidr = k.k
                UNION
                SELECT m.organization_id, m.observable_id, m.net FROM mine m JOIN gone r ON r.organization_id = m.organization_id AND r.cidr << m.net
                 WHERE masklen(m.net) < CASE family(m.net) WHEN 4 THEN 32 ELSE 128 END
              )$c$
            END) USING gone_orgs, gone_cidrs;
        END IF;
        IF came_orgs IS NOT NULL THEN
          -- The observables each range that came overlaps: a GiST search per range (~0.25 ms), or, from about one range
          -- per 300 observables on, one pass over observables keyed as above (~0.75 µs an observable), plus the CIDR
          -- observables around a range.
          EXECUTE format($q$
            WITH came AS MATERIALIZED (
              SELECT DISTINCT organization_id, cidr FROM unnest($1::uuid[], $2::cidr[]) AS r(organization_id, cidr)
            ), %s
            INSERT INTO range_exposures (organization_id, observable_id)
            SELECT DISTINCT organization_id, observable_id FROM found
            ON CONFLICT DO NOTHING$q$,
            CASE WHEN cardinality(came_cidrs) * 300 < (SELECT reltuples FROM pg_class WHERE oid = 'observables'::regclass) THEN
              $c$found AS (
                SELECT r.organization_id, o.id AS observable_id
                  FROM came r CROSS JOIN LATERAL (SELECT id FROM observables WHERE net && r.cidr OFFSET 0) o
              )$c$
            ELSE
              $c$lens AS MATERIALIZED (
                SELECT DISTINCT family(cidr) AS family, masklen(cidr) AS len FROM came
              ), keyed AS MATERIALIZED (
                SELECT o.id, set_masklen(network(o.net), l.len) AS k
                  FROM observables o JOIN lens l ON l.family = family(o.net) AND l.len <= masklen(o.net)
                 WHERE o.net IS NOT NULL
              ), wide AS MATERIALIZED (
                SELECT id, net FROM observables WHERE net IS NOT NULL AND masklen(net) < CASE family(net) WHEN 4 THEN 32 ELSE 128 END
              ), found AS (
                SELECT r.organization_id, k.id AS observable_id FROM keyed k JOIN came r ON r.cidr = k.k
                UNION ALL
                SELECT r.organization_id, w.id FROM came r JOIN wide w ON r.cidr << w.net
              )$c$
            END) USING came_orgs, came_cidrs;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_exposures_indicated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          EXECUTE $q$
            DELETE FROM indicator_exposures x
             USING old_exposures o CROSS JOIN LATERAL (SELECT seq FROM indicators WHERE observable_id = o.observable_id OFFSET 0) i
             WHERE x.organization_id = o.organization_id AND x.seq = i.seq$q$;
        ELSE
          ${INDICATE_NEW}
        END IF;
        RETURN NULL;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_exposures_indicated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          EXECUTE $q$
            DELETE FROM indicator_exposures x USING old_exposures o, indicators i
             WHERE i.observable_id = o.observable_id AND x.organization_id = o.organization_id AND x.seq = i.seq$q$;
        ELSE
          ${INDICATE_NEW}
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_ranges_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE gone_orgs uuid[]; gone_cidrs cidr[]; came_orgs uuid[]; came_cidrs cidr[];
      BEGIN
        ${COLLECT_CHANGES}
        IF gone_orgs IS NOT NULL THEN
          DELETE FROM range_exposures e USING unnest(gone_orgs, gone_cidrs) AS r(organization_id, cidr), observables o
           WHERE e.organization_id = r.organization_id AND o.id = e.observable_id AND o.net && r.cidr AND o.net IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM asset_ranges a
                              WHERE a.organization_id = e.organization_id AND a.status = 'APPROVED' AND a.cidr && o.net);
        END IF;
        ${ADD_CAME}
        RETURN NULL;
      END $$`);
    await queryRunner.query('DROP INDEX "public"."ix_asset_ranges_approved_cidr"');
    await queryRunner.query(`CREATE INDEX "ix_asset_ranges_approved_cidr" ON "asset_ranges" ((cidr::text)) WHERE status = 'APPROVED'`);
  }
}
