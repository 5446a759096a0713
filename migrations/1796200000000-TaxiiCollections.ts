import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TAXII 2.1: the (date_added, id) keyset of every collection served by an
 * index, so that a page costs the same at the end of a collection as at its
 * start; and the kept status resources of objects POSTs.
 */
export class TaxiiCollections1796200000000 implements MigrationInterface {
  name = 'TaxiiCollections1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_indicators_added" ON "indicators" ("last_reported", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_sightings_added" ON "sightings" ("created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_incidents_added" ON "incidents" ("updated_at", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_incident_events_added" ON "incident_events" ("created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_advisories_added" ON "advisories" ("updated_at", "id") `);
    await queryRunner.query(
      `CREATE TABLE "taxii_statuses" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "collection_id" uuid NOT NULL, "status" character varying(16) NOT NULL, "total_count" integer NOT NULL, "success_count" integer NOT NULL, "failure_count" integer NOT NULL, "pending_count" integer NOT NULL DEFAULT '0', "successes" jsonb NOT NULL DEFAULT '[]', "failures" jsonb NOT NULL DEFAULT '[]', "request_timestamp" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_taxii_statuses" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_taxii_statuses_org_time" ON "taxii_statuses" ("organization_id", "request_timestamp") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_taxii_statuses_org_time"`);
    await queryRunner.query(`DROP TABLE "taxii_statuses"`);
    await queryRunner.query(`DROP INDEX "public"."ix_advisories_added"`);
    await queryRunner.query(`DROP INDEX "public"."ix_incident_events_added"`);
    await queryRunner.query(`DROP INDEX "public"."ix_incidents_added"`);
    await queryRunner.query(`DROP INDEX "public"."ix_sightings_added"`);
    await queryRunner.query(`DROP INDEX "public"."ix_indicators_added"`);
  }
}
