import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-organisation rate limits: overrides on the organisation, token buckets
 * and quota leases shared by every instance. The two tables are UNLOGGED
 * (hand-edited; TypeORM does not model it): they change on every operation,
 * need no WAL, and losing them in a crash only refills the buckets.
 */
export class RateLimits1796115476152 implements MigrationInterface {
  name = 'RateLimits1796115476152';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE UNLOGGED TABLE "rate_limit_buckets" ("organization_id" uuid NOT NULL, "bucket" character varying(16) NOT NULL, "tokens" double precision NOT NULL, "capacity" double precision NOT NULL, "admitted" boolean NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9cc2ded857e69d5ecbd3145e413" PRIMARY KEY ("organization_id", "bucket"))`);
    await queryRunner.query(`CREATE UNLOGGED TABLE "rate_limit_leases" ("instance_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "count" integer NOT NULL, "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ea84dcee3465aef0b36fbcc7a6b" PRIMARY KEY ("instance_id", "organization_id", "kind"))`);
    await queryRunner.query(`CREATE INDEX "ix_rate_limit_leases_org" ON "rate_limit_leases"  ("organization_id", "kind") `);
    await queryRunner.query(`ALTER TABLE "organizations" ADD "limits" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "limits"`);
    await queryRunner.query(`DROP INDEX "public"."ix_rate_limit_leases_org"`);
    await queryRunner.query(`DROP TABLE "rate_limit_leases"`);
    await queryRunner.query(`DROP TABLE "rate_limit_buckets"`);
  }
}
