import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verified address space: an asset range is PENDING until reviewed, and only
 * APPROVED ranges count. Ranges declared before this migration become
 * PENDING (the column default): nobody vouched for them, so they stop
 * raising EXPOSURE warnings until a reviewer approves them (see
 * docs/operations.md, upgrade notes). `seq` orders the reviewers' list.
 */
export class AssetRangeReview1796114575152 implements MigrationInterface {
  name = 'AssetRangeReview1796114575152';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "asset_ranges" ADD "seq" BIGSERIAL NOT NULL`);
    await queryRunner.query(`ALTER TABLE "asset_ranges" ADD "status" character varying(16) NOT NULL DEFAULT 'PENDING'`);
    await queryRunner.query(`ALTER TABLE "asset_ranges" ADD "reviewed_by" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "asset_ranges" ADD "reviewed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "asset_ranges" ADD "reason" text`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ix_asset_ranges_seq" ON "asset_ranges" ("seq") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_asset_ranges_seq"`);
    await queryRunner.query(`ALTER TABLE "asset_ranges" DROP COLUMN "reason"`);
    await queryRunner.query(`ALTER TABLE "asset_ranges" DROP COLUMN "reviewed_at"`);
    await queryRunner.query(`ALTER TABLE "asset_ranges" DROP COLUMN "reviewed_by"`);
    await queryRunner.query(`ALTER TABLE "asset_ranges" DROP COLUMN "status"`);
    await queryRunner.query(`ALTER TABLE "asset_ranges" DROP COLUMN "seq"`);
  }
}
