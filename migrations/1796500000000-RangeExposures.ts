import type { MigrationInterface, QueryRunner } from 'typeorm';

/** src/intel/asset-range.checks.ts's RANGE_LOCK ('tfar'): the lock every writer of address space takes. */
const RANGE_LOCK = 1952866674;

/**
 * range_exposures: (organisation, observable) for every observable that
 * overlaps one of the organisation's APPROVED asset ranges, so that
 * `exposure` is an index walk instead of one GiST search per range per
 * request (issue "National scale": 0.5 ms a range at 456,690 addresses).
 *
 * Kept by statement-level triggers with transition tables, whoever writes:
 * new observables look up the approved ranges; ranges that become, stop being
 * or change while APPROVED add or remove their observables (removed only when
 * no other approved range of the same organisation still covers them).
 * Both sides take the address-space advisory lock (observables: shared, and
 * only when an IP or CIDR arrives), so an observable inserted while a range is
 * approved is seen by one side or the other, never missed by both.
 */
export class RangeExposures1796500000000 implements MigrationInterface {
  name = 'RangeExposures1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "range_exposures" ("organization_id" uuid NOT NULL, "observable_id" uuid NOT NULL, CONSTRAINT "PK_1624d113f7c4b2bc34fc148f94c" PRIMARY KEY ("organization_id", "observable_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_range_exposures_observable" ON "range_exposures"  ("observable_id") `);
    await queryRunner.query(`ALTER TABLE "range_exposures" ADD CONSTRAINT "FK_a7b32f89f8adc53f7852b7ecd41" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "range_exposures" ADD CONSTRAINT "FK_66ffbabe61940045ecc8c5e9c57" FOREIGN KEY ("observable_id") REFERENCES "observables"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    await queryRunner.query(`CREATE FUNCTION threatfed_observables_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`CREATE TRIGGER "tr_observables_exposed" AFTER INSERT ON "observables"
      REFERENCING NEW TABLE AS new_observables FOR EACH STATEMENT EXECUTE FUNCTION threatfed_observables_exposed()`);

    // One function for the three events: PL/pgSQL plans a statement when it first runs, so a branch may name
    // a transition table that only the other events have. An UPDATE counts only rows whose status, range or
    // owner changed (a review note alone moves nothing).
    await queryRunner.query(`CREATE FUNCTION threatfed_ranges_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE gone_orgs uuid[]; gone_cidrs cidr[]; came_orgs uuid[]; came_cidrs cidr[];
      BEGIN
        PERFORM pg_advisory_xact_lock(${RANGE_LOCK});
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
        END IF;
        IF gone_orgs IS NOT NULL THEN
          DELETE FROM range_exposures e USING unnest(gone_orgs, gone_cidrs) AS r(organization_id, cidr), observables o
           WHERE e.organization_id = r.organization_id AND o.id = e.observable_id AND o.net && r.cidr AND o.net IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM asset_ranges a
                              WHERE a.organization_id = e.organization_id AND a.status = 'APPROVED' AND a.cidr && o.net);
        END IF;
        IF came_orgs IS NOT NULL THEN
          INSERT INTO range_exposures (organization_id, observable_id)
          SELECT DISTINCT r.organization_id, o.id
            FROM unnest(came_orgs, came_cidrs) AS r(organization_id, cidr) JOIN observables o ON o.net && r.cidr AND o.net IS NOT NULL
          ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "tr_asset_ranges_exposed_ins" AFTER INSERT ON "asset_ranges"
      REFERENCING NEW TABLE AS new_ranges FOR EACH STATEMENT EXECUTE FUNCTION threatfed_ranges_exposed()`);
    await queryRunner.query(`CREATE TRIGGER "tr_asset_ranges_exposed_upd" AFTER UPDATE ON "asset_ranges"
      REFERENCING OLD TABLE AS old_ranges NEW TABLE AS new_ranges FOR EACH STATEMENT EXECUTE FUNCTION threatfed_ranges_exposed()`);
    await queryRunner.query(`CREATE TRIGGER "tr_asset_ranges_exposed_del" AFTER DELETE ON "asset_ranges"
      REFERENCING OLD TABLE AS old_ranges FOR EACH STATEMENT EXECUTE FUNCTION threatfed_ranges_exposed()`);

    await queryRunner.query(`INSERT INTO range_exposures (organization_id, observable_id)
      SELECT DISTINCT a.organization_id, o.id FROM asset_ranges a JOIN observables o ON o.net && a.cidr AND o.net IS NOT NULL
       WHERE a.status = 'APPROVED'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['ins', 'upd', 'del']) await queryRunner.query(`DROP TRIGGER "tr_asset_ranges_exposed_${t}" ON "asset_ranges"`);
    await queryRunner.query(`DROP TRIGGER "tr_observables_exposed" ON "observables"`);
    await queryRunner.query(`DROP FUNCTION threatfed_ranges_exposed()`);
    await queryRunner.query(`DROP FUNCTION threatfed_observables_exposed()`);
    await queryRunner.query(`DROP TABLE "range_exposures"`);
  }
}
