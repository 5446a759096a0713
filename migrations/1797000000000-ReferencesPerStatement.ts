import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indicators and warnings check what they reference once per statement
 * instead of once per row (issue "National scale": the ingest's rate).
 *
 * A foreign key runs one look-up with a row lock (`SELECT 1 FROM ONLY parent
 * WHERE id = $1 FOR KEY SHARE`) for every row written: a 5,000-item call made
 * ~12,000 of them, and the two keys of `indicators` alone cost 47 of the
 * upsert's ~145 ms (EXPLAIN ANALYZE at the national data set, PostgreSQL 18).
 * The same guarantees, kept per statement:
 *
 * - Writing: an AFTER INSERT statement trigger reads the new rows (transition
 *   table) and fails with foreign_key_violation (23503) when one names an
 *   observable or an organisation that does not exist; the statement, and so
 *   every row of it, is undone. The key columns never change afterwards
 *   (a row trigger refuses an UPDATE of them).
 * - Deleting a parent: observables and organisations are never deleted by
 *   ThreatFed, so the parents' side may be slow. A statement trigger on DELETE
 *   locks the referencing tables in SHARE mode, which waits for every
 *   transaction still writing them to end, then looks for a referencing row
 *   with a snapshot taken after that wait, and fails as a foreign key would.
 *   Writers that start later wait for the deleting transaction, and their own
 *   statement check then sees the parent gone. Under REPEATABLE READ or
 *   SERIALIZABLE the check's snapshot would predate the wait, so a deletion
 *   there is refused outright. TRUNCATE of a parent is refused while
 *   references exist, and ids of parents are never changed.
 *
 * The other tables keep their foreign keys: they are written a few rows at a
 * time, or (exposures) cascade from their parents.
 */
const CHECKS: string[] = [
  `ALTER TABLE "indicators" DROP CONSTRAINT "FK_71fbbcd57a276334827091384d7"`,
  `ALTER TABLE "indicators" DROP CONSTRAINT "FK_de5cdb09c90d91dd0398015aae5"`,
  `ALTER TABLE "warnings" DROP CONSTRAINT "FK_0e5aa2a2c4f97325bd3ab54e013"`,

  // One anti-join per statement; OFFSET 0 keeps the probe per distinct key (a transition table has no statistics, and
  // a hash join would read all observables).
  `CREATE FUNCTION threatfed_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      missing uuid;
    BEGIN
      SELECT k.author_id INTO missing FROM (SELECT DISTINCT author_id FROM new_rows) k
       WHERE NOT EXISTS (SELECT 1 FROM organizations g WHERE g.id = k.author_id OFFSET 0) LIMIT 1;
      IF FOUND THEN
        RAISE foreign_key_violation USING
          MESSAGE = format('insert on table "%s" violates foreign key "%s_author"', TG_TABLE_NAME, TG_TABLE_NAME),
          DETAIL = format('Key (author_id)=(%s) is not present in table "organizations".', missing),
          TABLE = TG_TABLE_NAME, COLUMN = 'author_id';
      END IF;
      IF TG_TABLE_NAME = 'indicators' THEN
        SELECT n.observable_id INTO missing FROM new_rows n
         WHERE NOT EXISTS (SELECT 1 FROM observables o WHERE o.id = n.observable_id OFFSET 0) LIMIT 1;
        IF FOUND THEN
          RAISE foreign_key_violation USING
            MESSAGE = 'insert on table "indicators" violates foreign key "indicators_observable"',
            DETAIL = format('Key (observable_id)=(%s) is not present in table "observables".', missing),
            TABLE = 'indicators', COLUMN = 'observable_id';
        END IF;
      END IF;
      RETURN NULL;
    END $$`,
  `CREATE TRIGGER "tr_indicators_references" AFTER INSERT ON "indicators"
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION threatfed_references_exist()`,
  `CREATE TRIGGER "tr_warnings_references" AFTER INSERT ON "warnings"
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION threatfed_references_exist()`,

  `CREATE FUNCTION threatfed_reference_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE foreign_key_violation USING
        MESSAGE = format('update on table "%s" changes a key column (%s), which never changes', TG_TABLE_NAME, array_to_string(TG_ARGV, ', ')),
        TABLE = TG_TABLE_NAME;
    END $$`,
  `CREATE TRIGGER "tr_indicators_keys_fixed" BEFORE UPDATE OF observable_id, author_id ON "indicators" FOR EACH ROW
     WHEN (OLD.observable_id IS DISTINCT FROM NEW.observable_id OR OLD.author_id IS DISTINCT FROM NEW.author_id)
     EXECUTE FUNCTION threatfed_reference_fixed('observable_id', 'author_id')`,
  `CREATE TRIGGER "tr_warnings_keys_fixed" BEFORE UPDATE OF author_id ON "warnings" FOR EACH ROW
     WHEN (OLD.author_id IS DISTINCT FROM NEW.author_id) EXECUTE FUNCTION threatfed_reference_fixed('author_id')`,
  `CREATE TRIGGER "tr_observables_id_fixed" BEFORE UPDATE OF id ON "observables" FOR EACH ROW
     WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION threatfed_reference_fixed('id')`,
  `CREATE TRIGGER "tr_organizations_id_fixed" BEFORE UPDATE OF id ON "organizations" FOR EACH ROW
     WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION threatfed_reference_fixed('id')`,

  // One function for DELETE and TRUNCATE of either parent: PL/pgSQL plans a statement when it first runs, so a branch
  // may name a transition table that only the other trigger has.
  `CREATE FUNCTION threatfed_referenced_parents() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      child text;
      hit uuid;
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE object_not_in_prerequisite_state USING
          MESSAGE = format('rows of "%s" are deleted only under READ COMMITTED (indicators and warnings check their references per statement)', TG_TABLE_NAME);
      END IF;
      LOCK TABLE indicators, warnings IN SHARE MODE;
      IF TG_TABLE_NAME = 'observables' THEN
        child := 'indicators';
        IF TG_OP = 'TRUNCATE' THEN
          SELECT i.observable_id INTO hit FROM indicators i LIMIT 1;
        ELSE
          SELECT i.observable_id INTO hit FROM old_rows o JOIN indicators i ON i.observable_id = o.id LIMIT 1;
        END IF;
      ELSE
        IF TG_OP = 'TRUNCATE' THEN
          SELECT i.author_id INTO hit FROM indicators i LIMIT 1;
          child := 'indicators';
          IF NOT FOUND THEN
            SELECT w.author_id INTO hit FROM warnings w LIMIT 1;
            child := 'warnings';
          END IF;
        ELSE
          SELECT i.author_id INTO hit FROM old_rows o JOIN indicators i ON i.author_id = o.id LIMIT 1;
          child := 'indicators';
          IF NOT FOUND THEN
            SELECT w.author_id INTO hit FROM old_rows o JOIN warnings w ON w.author_id = o.id LIMIT 1;
            child := 'warnings';
          END IF;
        END IF;
      END IF;
      IF FOUND THEN
        RAISE foreign_key_violation USING
          MESSAGE = format('%s on table "%s" violates a reference from table "%s"', lower(TG_OP), TG_TABLE_NAME, child),
          DETAIL = format('Key (id)=(%s) is still referenced from table "%s".', hit, child),
          TABLE = TG_TABLE_NAME;
      END IF;
      RETURN NULL;
    END $$`,
  `CREATE TRIGGER "tr_observables_referenced" AFTER DELETE ON "observables"
     REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION threatfed_referenced_parents()`,
  `CREATE TRIGGER "tr_organizations_referenced" AFTER DELETE ON "organizations"
     REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION threatfed_referenced_parents()`,
  `CREATE TRIGGER "tr_observables_truncated" BEFORE TRUNCATE ON "observables" FOR EACH STATEMENT EXECUTE FUNCTION threatfed_referenced_parents()`,
  `CREATE TRIGGER "tr_organizations_truncated" BEFORE TRUNCATE ON "organizations" FOR EACH STATEMENT EXECUTE FUNCTION threatfed_referenced_parents()`,
];

/** The statements of `up`, for test/bench's experiments on a kept data set. */
export const REFERENCES_PER_STATEMENT_SQL = CHECKS;

export class ReferencesPerStatement1797000000000 implements MigrationInterface {
  name = 'ReferencesPerStatement1797000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of CHECKS) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, trigger] of [
      ['organizations', 'tr_organizations_truncated'], ['observables', 'tr_observables_truncated'],
      ['organizations', 'tr_organizations_referenced'], ['observables', 'tr_observables_referenced'],
      ['organizations', 'tr_organizations_id_fixed'], ['observables', 'tr_observables_id_fixed'],
      ['warnings', 'tr_warnings_keys_fixed'], ['indicators', 'tr_indicators_keys_fixed'],
      ['warnings', 'tr_warnings_references'], ['indicators', 'tr_indicators_references'],
    ]) {
      await queryRunner.query(`DROP TRIGGER "${trigger}" ON "${table}"`);
    }
    for (const f of ['threatfed_referenced_parents', 'threatfed_reference_fixed', 'threatfed_references_exist']) await queryRunner.query(`DROP FUNCTION ${f}()`);
    await queryRunner.query(`ALTER TABLE "warnings" ADD CONSTRAINT "FK_0e5aa2a2c4f97325bd3ab54e013" FOREIGN KEY ("author_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "indicators" ADD CONSTRAINT "FK_de5cdb09c90d91dd0398015aae5" FOREIGN KEY ("author_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "indicators" ADD CONSTRAINT "FK_71fbbcd57a276334827091384d7" FOREIGN KEY ("observable_id") REFERENCES "observables"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }
}
