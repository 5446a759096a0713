import type { MigrationInterface, QueryRunner } from 'typeorm';

/** src/intel/asset-range.checks.ts's RANGE_LOCK ('tfar'): the lock every writer of address space takes. */
const RANGE_LOCK = 1952866674;

/**
 * Finds the APPROVED ranges over a new address with B-tree look-ups instead
 * of a GiST search (issue "National scale"): at 51,000 approved /24 ranges,
 * one inet GiST probe read ~13 pages and cost 0.1–0.2 ms, so the observables
 * trigger spent ~0.5 s of a 5,000-item call finding them.
 *
 * A range contains an address exactly when it equals the address's network
 * at the range's own prefix length, so for each (family, prefix length) that
 * some approved range has — a handful, found by a loose index scan — one
 * equality probe per address, forced to be a probe (LATERAL ... OFFSET 0):
 * left to itself the planner merge-joined a whole index for 3,000 addresses. A range strictly inside the observable can only
 * exist when the observable is itself a network (a CIDR indicator): those rare
 * rows keep the GiST search. Together the two are `a.cidr && n.net`.
 *
 * Also: the exposure triggers' statements are planned each time they run
 * (EXECUTE), not once per connection. PL/pgSQL keeps the plan a statement
 * first got until the tables' statistics change: a load into fresh tables
 * planned "seq scan of indicators" while it was empty and kept it until
 * autovacuum analysed it — up to a minute later, by which time one call spent
 * seconds scanning 100,000 indicators for each of ~300 new exposures. The
 * planning costs well under a millisecond per statement.
 */
export class ExposureAtIngest1796700000000 implements MigrationInterface {
  name = 'ExposureAtIngest1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Keyed by the text of the network, not the cidr: for "cidr = x" the planner may pick the GiST index (inet_ops has
    // equality too) at ~14 pages a probe; on text only this B-tree applies (equal text ⇔ equal network).
    await queryRunner.query(`CREATE INDEX "ix_asset_ranges_approved_cidr" ON "asset_ranges" ((cidr::text)) WHERE status = 'APPROVED'`);
    await queryRunner.query(
      `CREATE INDEX "ix_asset_ranges_approved_prefix" ON "asset_ranges" ((family(cidr)), (masklen(cidr))) WHERE status = 'APPROVED'`,
    );
    // The distinct (family, prefix length) pairs of approved ranges: one index probe per pair (a loose index scan).
    await queryRunner.query(`CREATE FUNCTION threatfed_approved_prefixes() RETURNS TABLE (family int, len int)
      LANGUAGE sql STABLE ROWS 4 AS $$
        WITH RECURSIVE p(family, len) AS (
          (SELECT family(cidr), masklen(cidr) FROM asset_ranges WHERE status = 'APPROVED' ORDER BY 1, 2 LIMIT 1)
          UNION ALL
          SELECT q.family, q.len FROM p CROSS JOIN LATERAL (
            SELECT family(a.cidr) AS family, masklen(a.cidr) AS len FROM asset_ranges a
             WHERE a.status = 'APPROVED' AND (family(a.cidr), masklen(a.cidr)) > (p.family, p.len)
             ORDER BY 1, 2 LIMIT 1) q
        )
        SELECT family, len FROM p
      $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_observables_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM new_observables WHERE net IS NOT NULL) THEN RETURN NULL; END IF;
        PERFORM pg_advisory_xact_lock_shared(${RANGE_LOCK});
        EXECUTE $q$
          INSERT INTO range_exposures (organization_id, observable_id)
          SELECT a.organization_id, n.id
            FROM new_observables n JOIN threatfed_approved_prefixes() p ON p.family = family(n.net) AND p.len <= masklen(n.net)
            CROSS JOIN LATERAL (SELECT organization_id FROM asset_ranges
                                 WHERE cidr::text = set_masklen(network(n.net), p.len)::text AND status = 'APPROVED' OFFSET 0) a
          UNION
          SELECT a.organization_id, n.id
            FROM new_observables n JOIN asset_ranges a ON a.cidr << n.net AND a.status = 'APPROVED'
           WHERE masklen(n.net) < CASE family(n.net) WHEN 4 THEN 32 ELSE 128 END
          ON CONFLICT DO NOTHING$q$;
        RETURN NULL;
      END $$`);
    // OFFSET 0 keeps the subquery a parameterised look-up per new row (the planner may not flatten it into a join).
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_exposures_indicated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          EXECUTE $q$
            DELETE FROM indicator_exposures x USING old_exposures o, indicators i
             WHERE i.observable_id = o.observable_id AND x.organization_id = o.organization_id AND x.seq = i.seq$q$;
        ELSE
          EXECUTE $q$
            INSERT INTO indicator_exposures (organization_id, indicator_id, seq)
            SELECT n.organization_id, i.id, i.seq
              FROM new_exposures n CROSS JOIN LATERAL (SELECT id, seq FROM indicators WHERE observable_id = n.observable_id OFFSET 0) i
            ON CONFLICT DO NOTHING$q$;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_indicators_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${RANGE_LOCK});
        EXECUTE $q$
          INSERT INTO indicator_exposures (organization_id, indicator_id, seq)
          SELECT e.organization_id, n.id, n.seq FROM new_indicators n JOIN range_exposures e ON e.observable_id = n.observable_id
          ON CONFLICT DO NOTHING$q$;
        RETURN NULL;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_indicators_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${RANGE_LOCK});
        INSERT INTO indicator_exposures (organization_id, indicator_id, seq)
        SELECT e.organization_id, n.id, n.seq FROM new_indicators n JOIN range_exposures e ON e.observable_id = n.observable_id
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_exposures_indicated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          DELETE FROM indicator_exposures x USING old_exposures o, indicators i
           WHERE i.observable_id = o.observable_id AND x.organization_id = o.organization_id AND x.seq = i.seq;
        ELSE
          INSERT INTO indicator_exposures (organization_id, indicator_id, seq)
          SELECT n.organization_id, i.id, i.seq FROM new_exposures n JOIN indicators i ON i.observable_id = n.observable_id
          ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION threatfed_observables_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM new_observables WHERE net IS NOT NULL) THEN RETURN NULL; END IF;
        PERFORM pg_advisory_xact_lock_shared(${RANGE_LOCK});
        INSERT INTO range_exposures (organization_id, observable_id)
        SELECT DISTINCT a.organization_id, n.id
          FROM new_observables n JOIN asset_ranges a ON a.cidr && n.net AND a.status = 'APPROVED'
         WHERE n.net IS NOT NULL
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query('DROP FUNCTION threatfed_approved_prefixes()');
    await queryRunner.query('DROP INDEX "public"."ix_asset_ranges_approved_prefix"');
    await queryRunner.query('DROP INDEX "public"."ix_asset_ranges_approved_cidr"');
  }
}
