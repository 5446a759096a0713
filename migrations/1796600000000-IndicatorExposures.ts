import type { MigrationInterface, QueryRunner } from 'typeorm';

/** src/intel/asset-range.checks.ts's RANGE_LOCK ('tfar'): the lock every writer of address space takes. */
const RANGE_LOCK = 1952866674;

/**
 * indicator_exposures: (organisation, indicator, indicator's seq) for every
 * indicator whose observable is in the organisation's range_exposures, so
 * that `exposure` walks an index on (organisation, seq) newest first and
 * stops after a page (issue "National scale": reading range_exposures still
 * had to sort every exposed indicator, or probe range_exposures for every
 * indicator newer than the page).
 *
 * Kept by statement-level triggers with transition tables, whoever writes:
 * new indicators look up range_exposures; rows added to or removed from
 * range_exposures (only ever by the RangeExposures triggers, which fire these
 * from inside their own statements) add or remove that organisation's
 * indicators of those observables. Nothing on UPDATE of indicators: seq and
 * observable_id are never updated, and the bulk upsert's INSERT trigger sees
 * only the rows it inserted. Indicators and organisations cascade.
 *
 * The indicators trigger takes the address-space lock shared, as the
 * observables trigger does: an indicator inserted while a range is approved
 * is then seen by one side or the other, never missed by both.
 */
export class IndicatorExposures1796600000000 implements MigrationInterface {
  name = 'IndicatorExposures1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "indicator_exposures" ("organization_id" uuid NOT NULL, "seq" bigint NOT NULL, "indicator_id" uuid NOT NULL, CONSTRAINT "PK_502e10e2c215479c0af5577629c" PRIMARY KEY ("organization_id", "seq"))`);
    await queryRunner.query(`CREATE INDEX "ix_indicator_exposures_indicator" ON "indicator_exposures"  ("indicator_id") `);
    await queryRunner.query(`ALTER TABLE "indicator_exposures" ADD CONSTRAINT "FK_af5e356b2121da16204ee2fd891" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "indicator_exposures" ADD CONSTRAINT "FK_e8879262034c8416ba7b86196a9" FOREIGN KEY ("indicator_id") REFERENCES "indicators"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    // ON CONFLICT DO NOTHING: under the lock the two sides never add one row twice; a conflict must not fail an ingest all the same.
    await queryRunner.query(`CREATE FUNCTION threatfed_indicators_exposed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${RANGE_LOCK});
        INSERT INTO indicator_exposures (organization_id, indicator_id, seq)
        SELECT e.organization_id, n.id, n.seq FROM new_indicators n JOIN range_exposures e ON e.observable_id = n.observable_id
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "tr_indicators_exposed" AFTER INSERT ON "indicators"
      REFERENCING NEW TABLE AS new_indicators FOR EACH STATEMENT EXECUTE FUNCTION threatfed_indicators_exposed()`);

    // One function for both events: PL/pgSQL plans a statement when it first runs, so a branch may name a
    // transition table that only the other event has. range_exposures' writers hold the address-space lock.
    await queryRunner.query(`CREATE FUNCTION threatfed_exposures_indicated() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`CREATE TRIGGER "tr_range_exposures_indicated_ins" AFTER INSERT ON "range_exposures"
      REFERENCING NEW TABLE AS new_exposures FOR EACH STATEMENT EXECUTE FUNCTION threatfed_exposures_indicated()`);
    await queryRunner.query(`CREATE TRIGGER "tr_range_exposures_indicated_del" AFTER DELETE ON "range_exposures"
      REFERENCING OLD TABLE AS old_exposures FOR EACH STATEMENT EXECUTE FUNCTION threatfed_exposures_indicated()`);

    await queryRunner.query('SELECT pg_advisory_xact_lock($1)', [RANGE_LOCK]);
    await queryRunner.query(`INSERT INTO indicator_exposures (organization_id, indicator_id, seq)
      SELECT e.organization_id, i.id, i.seq FROM range_exposures e JOIN indicators i ON i.observable_id = e.observable_id`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['ins', 'del']) await queryRunner.query(`DROP TRIGGER "tr_range_exposures_indicated_${t}" ON "range_exposures"`);
    await queryRunner.query(`DROP TRIGGER "tr_indicators_exposed" ON "indicators"`);
    await queryRunner.query(`DROP FUNCTION threatfed_exposures_indicated()`);
    await queryRunner.query(`DROP FUNCTION threatfed_indicators_exposed()`);
    await queryRunner.query(`DROP TABLE "indicator_exposures"`);
  }
}
