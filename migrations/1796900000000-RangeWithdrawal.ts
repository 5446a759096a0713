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

/** Its last part before this migration: the observables of ranges that came. */
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
 * Approving and withdrawing ranges without scanning everything (issue
 * "National scale": an organisation may now hold 10,000 ranges). At the
 * national data set, withdrawing 1,000 of an ISP's /24s took 1.8 s and 10,000
 * took 7.7 s, all of it under the address-space lock that every ingest call
 * waits for: the planner hashed the exposures by organisation and tested `&&`
 * pair by pair (8.7 million pairs for 1,000 ranges), then checked "still
 * covered" the same way. Approving 10,000 took 3.1 s.
 *
 * - The inet indexes on observables.net and asset_ranges.cidr become SP-GiST
 *   (a radix tree) instead of GiST. A /24's observables: 6.5 pages and 8 µs a
 *   search instead of 40 pages and 190 µs; an address's ranges: 3 µs instead
 *   of 32; and 5,000 new random addresses cost ~10 ms of index upkeep instead of
 *   ~28 (the operators used, && << <<= >> >>=, are the same).
 * - So what a withdrawn or approved range covers is one index search per
 *   range, forced to be one (LATERAL ... OFFSET 0).
 * - "Still covered" is the prefix-equality probe of ExposureAtIngest, on its
 *   index now keyed (network text, organisation): with the text alone the
 *   planner intersected it with all 10,000 ranges of the organisation for
 *   every probe (0.55 ms each; 0.005 ms now).
 * - indicator_exposures loses its rows by index probes per removed exposure
 *   (it hash-joined every indicator: 1.8 s for 8,700 exposures).
 */
export class RangeWithdrawal1796900000000 implements MigrationInterface {
  name = 'RangeWithdrawal1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_observables_net"');
    await queryRunner.query(`CREATE INDEX "ix_observables_net" ON "observables" USING spgist ("net" inet_ops) WHERE "net" IS NOT NULL`);
    await queryRunner.query('DROP INDEX "public"."ix_asset_ranges_cidr"');
    await queryRunner.query(`CREATE INDEX "ix_asset_ranges_cidr" ON "asset_ranges" USING spgist ("cidr" inet_ops)`);
    await queryRunner.query('DROP INDEX "public"."ix_asset_ranges_approved_cidr"');
    await queryRunner.query(
      `CREATE INDEX "ix_asset_ranges_approved_cidr" ON "asset_ranges" ((cidr::text), organization_id) WHERE status = 'APPROVED'`,
    );
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_ranges_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE gone_orgs uuid[]; gone_cidrs cidr[]; came_orgs uuid[]; came_cidrs cidr[];
      BEGIN
        ${COLLECT_CHANGES}
        IF gone_orgs IS NOT NULL THEN
          -- What each withdrawn range overlapped, less what another approved range of the same organisation still
          -- overlaps (it holds the address, or lies inside the observable, a CIDR).
          EXECUTE $q$
            WITH cand AS MATERIALIZED (
              SELECT DISTINCT r.organization_id, o.id AS observable_id, o.net
                FROM unnest($1::uuid[], $2::cidr[]) AS r(organization_id, cidr)
                CROSS JOIN LATERAL (SELECT id, net FROM observables WHERE net && r.cidr OFFSET 0) o
            ), prefixes AS MATERIALIZED (
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
                                     WHERE a.cidr << c.net AND a.status = 'APPROVED' AND a.organization_id = c.organization_id))$q$
            USING gone_orgs, gone_cidrs;
        END IF;
        IF came_orgs IS NOT NULL THEN
          EXECUTE $q$
            INSERT INTO range_exposures (organization_id, observable_id)
            SELECT DISTINCT r.organization_id, o.id
              FROM unnest($1::uuid[], $2::cidr[]) AS r(organization_id, cidr)
              CROSS JOIN LATERAL (SELECT id FROM observables WHERE net && r.cidr OFFSET 0) o
            ON CONFLICT DO NOTHING$q$
            USING came_orgs, came_cidrs;
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
    await queryRunner.query('DROP INDEX "public"."ix_asset_ranges_cidr"');
    await queryRunner.query(`CREATE INDEX "ix_asset_ranges_cidr" ON "asset_ranges" USING gist ("cidr" inet_ops)`);
    await queryRunner.query('DROP INDEX "public"."ix_observables_net"');
    await queryRunner.query(`CREATE INDEX "ix_observables_net" ON "observables" USING gist ("net" inet_ops) WHERE "net" IS NOT NULL`);
  }
}
