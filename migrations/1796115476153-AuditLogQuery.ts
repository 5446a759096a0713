import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log as a query: a sequence for keyset paging (existing events
 * numbered in time order), and indexes for reading one organisation's events
 * newest first and for pruning by age.
 */
export class AuditLogQuery1796115476153 implements MigrationInterface {
  name = 'AuditLogQuery1796115476153';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "seq" BIGSERIAL NOT NULL`);
    await queryRunner.query(`UPDATE "audit_events" a SET "seq" = r.n FROM (SELECT id, row_number() OVER (ORDER BY "at", id) AS n FROM "audit_events") r WHERE a.id = r.id`);
    await queryRunner.query(`SELECT setval(pg_get_serial_sequence('audit_events', 'seq'), coalesce((SELECT max("seq") FROM "audit_events"), 0) + 1, false)`);
    await queryRunner.query(`CREATE INDEX "ix_audit_events_at" ON "audit_events"  ("at") `);
    await queryRunner.query(`CREATE INDEX "ix_audit_events_org_seq" ON "audit_events"  ("organization_id", "seq") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ix_audit_events_seq" ON "audit_events"  ("seq") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_audit_events_seq"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_events_org_seq"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_events_at"`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "seq"`);
  }
}
