import type { MigrationInterface, QueryRunner } from 'typeorm';

/** STIX import provenance: idempotence by (organisation, STIX id, modified), and the source identity of what was imported. */
export class StixProvenance1796300000000 implements MigrationInterface {
  name = 'StixProvenance1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "stix_provenance" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "organization_id" uuid NOT NULL,
      "stix_id" character varying(200) NOT NULL,
      "modified" TIMESTAMP WITH TIME ZONE,
      "local_kind" character varying(32) NOT NULL,
      "local_ids" uuid array NOT NULL DEFAULT '{}',
      "source_ref" character varying(200),
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_2a84983b8bd0d606f6bf1c21060" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_stix_provenance_org_stix_id" ON "stix_provenance" ("organization_id", "stix_id")`);
    await queryRunner.query(`ALTER TABLE "stix_provenance" ADD CONSTRAINT "FK_85b38a0032ba302e7a714ed976c" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "stix_provenance"`);
  }
}
