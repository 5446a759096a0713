import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose rows decide what a token proves (issuer status, keys, roles, tree, groups). */
const TABLES = ['organizations', 'signing_keys', 'sharing_groups', 'sharing_group_members'];

/**
 * Every committed change to them is announced on `threatfed_auth`, whoever made it (API, CLI, SQL by
 * hand), so that each instance drops its cached key rows and principals (src/auth/token-verifier.ts).
 */
export class AuthChangeNotify1796119254619 implements MigrationInterface {
  name = 'AuthChangeNotify1796119254619';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION threatfed_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('threatfed_auth', TG_TABLE_NAME); RETURN NULL; END $$`);
    for (const t of TABLES) {
      await queryRunner.query(`CREATE TRIGGER "tr_${t}_auth_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${t}"
        FOR EACH STATEMENT EXECUTE FUNCTION threatfed_auth_changed()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of TABLES) await queryRunner.query(`DROP TRIGGER "tr_${t}_auth_changed" ON "${t}"`);
    await queryRunner.query(`DROP FUNCTION threatfed_auth_changed()`);
  }
}
