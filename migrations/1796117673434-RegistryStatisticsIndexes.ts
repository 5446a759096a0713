import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes the registry's statistics need, found with EXPLAIN ANALYZE at
 * 5,000 systems (test/bench/registry.bench.ts): every EXPOSURE warning is
 * counted, which without ix_warnings_exposure reads the whole warning log;
 * and the unmet lines of retired requirements are subtracted through
 * ix_system_requirements_unmet_requirement.
 */
export class RegistryStatisticsIndexes1796117673434 implements MigrationInterface {
  name = 'RegistryStatisticsIndexes1796117673434';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_warnings_exposure" ON "warnings" ("subject_id") WHERE kind = 'EXPOSURE'`);
    await queryRunner.query(`CREATE INDEX "ix_system_requirements_unmet_requirement" ON "system_requirements" ("requirement_id") WHERE met = false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_system_requirements_unmet_requirement"`);
    await queryRunner.query(`DROP INDEX "public"."ix_warnings_exposure"`);
  }
}
