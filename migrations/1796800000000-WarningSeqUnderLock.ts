import type { MigrationInterface, QueryRunner } from 'typeorm';

/** WarningSeqAtCommit's lock ('tfwa'). */
const SEQ_LOCK = 1952872289;

/**
 * Lets a writer number its warnings at insert: one that takes the warnings
 * lock first and records, in the transaction-local setting
 * `threatfed.warnings_seq_from`, a number drawn after it got the lock. Its
 * warnings numbered from there are final — no later commit can draw below
 * them while it holds the lock to its commit — so the commit-time trigger
 * leaves them alone and renumbers only what the transaction wrote before
 * (issue "National scale": renumbering a 5,000-item ingest's ~2,000 warnings
 * one UPDATE each cost ~120 ms of the call's PostgreSQL time, and each
 * rewritten row its index entries and foreign-key check again).
 * Other writers are unchanged: provisional numbers, renumbered at commit.
 */
export class WarningSeqUnderLock1796800000000 implements MigrationInterface {
  name = 'WarningSeqUnderLock1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION warnings_seq_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.seq >= coalesce(nullif(current_setting('threatfed.warnings_seq_from', true), '')::bigint, 9223372036854775807) THEN
          RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(${SEQ_LOCK});
        UPDATE warnings SET seq = nextval('warnings_seq_seq') WHERE id = NEW.id;
        RETURN NULL;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION warnings_seq_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${SEQ_LOCK});
        UPDATE warnings SET seq = nextval('warnings_seq_seq') WHERE id = NEW.id;
        RETURN NULL;
      END $$`);
  }
}
