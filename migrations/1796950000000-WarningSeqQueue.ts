import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The threshold WarningSeqUnderLock's writers record: rows numbered from it are final. */
const FINAL_FROM = `coalesce(nullif(current_setting('threatfed.warnings_seq_from', true), '')::bigint, 9223372036854775807)`;

/**
 * The commit-time renumbering trigger is queued only for rows that need it.
 * Since WarningSeqUnderLock, a bulk ingest numbers its ~2,000 warnings as it
 * writes them and the trigger function returns at once for each, but every
 * row was still queued as a deferred event and fired at commit. A constraint
 * trigger's WHEN is evaluated when the row is written, and a row it rejects
 * is not queued: the commit after 2,000 such rows (a bulk call's share at the
 * national data set, PostgreSQL 18) took 7–8 ms, now 2, and no queue of
 * events is held to the commit. The function keeps its own check; rows
 * written before the threshold was set are queued as before.
 */
export class WarningSeqQueue1796950000000 implements MigrationInterface {
  name = 'WarningSeqQueue1796950000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER warnings_seq_at_commit ON warnings');
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER warnings_seq_at_commit AFTER INSERT ON warnings
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.seq < ${FINAL_FROM})
      EXECUTE FUNCTION warnings_seq_at_commit()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER warnings_seq_at_commit ON warnings');
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER warnings_seq_at_commit AFTER INSERT ON warnings
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION warnings_seq_at_commit()`);
  }
}
