import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A retired signing key verifies tokens until `retired_until` (rotation with an overlap). */
export class SigningKeyRetirement1796115476154 implements MigrationInterface {
  name = 'SigningKeyRetirement1796115476154';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "signing_keys" ADD "retired_until" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "signing_keys" DROP COLUMN "retired_until"`);
  }
}
