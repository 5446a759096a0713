import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gives each warning its final `seq` at COMMIT, in commit order, so that a
 * reader of "seq > last" can never skip a warning whose transaction commits
 * late. A deferred constraint trigger takes a transaction-level advisory lock
 * and renumbers the transaction's warnings inside the commit itself: the lock
 * is held for microseconds, not across client round trips (holding it from
 * the insert made publishers queue behind busy servers).
 * Hand-written: TypeORM does not model functions and triggers.
 */
export class WarningSeqAtCommit1795300000000 implements MigrationInterface {
  name = 'WarningSeqAtCommit1795300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION warnings_seq_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(1952872289); -- 'tfwa'
        UPDATE warnings SET seq = nextval('warnings_seq_seq') WHERE id = NEW.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER warnings_seq_at_commit AFTER INSERT ON warnings
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION warnings_seq_at_commit()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER warnings_seq_at_commit ON warnings');
    await queryRunner.query('DROP FUNCTION warnings_seq_at_commit()');
  }
}
