import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795298023194 implements MigrationInterface {
    name = 'Initial1795298023194'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "observables" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(16) NOT NULL, "value" text NOT NULL, "net" inet, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8c865b31c2d0623faa9e2bc65ec" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_observables_type_value" ON "observables"  ("type", "value") `);
        await queryRunner.query(`CREATE TABLE "organizations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "seq" BIGSERIAL NOT NULL, "code" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "kind" character varying(20) NOT NULL, "sector" character varying(64), "region" character varying(64), "parent_id" uuid, "status" character varying(16) NOT NULL DEFAULT 'ACTIVE', "allowed_roles" text array NOT NULL, "default_tlp" character varying(16) NOT NULL DEFAULT 'AMBER', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_organizations_code" ON "organizations"  ("code") `);
        await queryRunner.query(`CREATE INDEX "ix_organizations_parent" ON "organizations"  ("parent_id") `);
        await queryRunner.query(`CREATE TABLE "advisories" ("seq" BIGSERIAL NOT NULL, "author_id" uuid NOT NULL, "tlp" character varying(16) NOT NULL, "recipient_org_ids" uuid array NOT NULL DEFAULT '{}', "recipient_group_ids" uuid array NOT NULL DEFAULT '{}', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" character varying(300) NOT NULL, "summary" text NOT NULL, "body" text, "severity" character varying(16) NOT NULL, "cve_ids" text array NOT NULL DEFAULT '{}', "affected_products" text array NOT NULL DEFAULT '{}', "recommended_actions" text array NOT NULL DEFAULT '{}', "audience_everyone" boolean NOT NULL DEFAULT true, "audience_sectors" text array NOT NULL DEFAULT '{}', "audience_regions" text array NOT NULL DEFAULT '{}', "audience_org_ids" uuid array NOT NULL DEFAULT '{}', "status" character varying(16) NOT NULL DEFAULT 'DRAFT', "revision" integer NOT NULL DEFAULT '1', "published_at" TIMESTAMP WITH TIME ZONE, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "withdrawn_reason" text, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d7296456a2d94b0ec905412c5b2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ix_advisories_seq" ON "advisories"  ("seq") `);
        await queryRunner.query(`CREATE TABLE "advisory_observables" ("advisory_id" uuid NOT NULL, "observable_id" uuid NOT NULL, CONSTRAINT "PK_0465e4942fb41473ae53c560f98" PRIMARY KEY ("advisory_id", "observable_id"))`);
        await queryRunner.query(`CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "organization_id" uuid, "organization_code" character varying(32), "subject" character varying(200), "jti" character varying(200), "kid" character varying(128), "action" character varying(64) NOT NULL, "target_type" character varying(32), "target_id" text, "outcome" character varying(8) NOT NULL, "detail" jsonb, CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_audit_events_org_at" ON "audit_events"  ("organization_id", "at") `);
        await queryRunner.query(`CREATE TABLE "incidents" ("seq" BIGSERIAL NOT NULL, "author_id" uuid NOT NULL, "tlp" character varying(16) NOT NULL, "recipient_org_ids" uuid array NOT NULL DEFAULT '{}', "recipient_group_ids" uuid array NOT NULL DEFAULT '{}', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" character varying(200) NOT NULL, "description" text, "category" character varying(32) NOT NULL, "severity" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'REPORTED', "occurred_at" TIMESTAMP WITH TIME ZONE, "detected_at" TIMESTAMP WITH TIME ZONE, "affected_systems" text array NOT NULL DEFAULT '{}', "assignee" character varying(200), "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ccb34c01719889017e2246469f9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ix_incidents_seq" ON "incidents"  ("seq") `);
        await queryRunner.query(`CREATE TABLE "incident_observables" ("incident_id" uuid NOT NULL, "observable_id" uuid NOT NULL, CONSTRAINT "PK_66f4c8936c897c9638a08a0e03f" PRIMARY KEY ("incident_id", "observable_id"))`);
        await queryRunner.query(`CREATE TABLE "incident_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "seq" BIGSERIAL NOT NULL, "incident_id" uuid NOT NULL, "kind" character varying(32) NOT NULL, "from_status" character varying(16), "to_status" character varying(16), "note" text, "actor_org_id" uuid NOT NULL, "actor_sub" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1230e0a50df3503eed115634297" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_incident_events_incident" ON "incident_events"  ("incident_id", "seq") `);
        await queryRunner.query(`CREATE TABLE "asset_ranges" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "cidr" cidr NOT NULL, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_360122ef09da0a82f974fe7c1da" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_asset_ranges_org_cidr" ON "asset_ranges"  ("organization_id", "cidr") `);
        await queryRunner.query(`CREATE TABLE "indicators" ("seq" BIGSERIAL NOT NULL, "author_id" uuid NOT NULL, "tlp" character varying(16) NOT NULL, "recipient_org_ids" uuid array NOT NULL DEFAULT '{}', "recipient_group_ids" uuid array NOT NULL DEFAULT '{}', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "observable_id" uuid NOT NULL, "confidence" smallint NOT NULL, "severity" character varying(16) NOT NULL, "threat_types" text array NOT NULL DEFAULT '{}', "tags" text array NOT NULL DEFAULT '{}', "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE, "description" text, "revoked" boolean NOT NULL DEFAULT false, "revoked_reason" text, "first_reported" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_reported" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" character varying(200) NOT NULL, "updated_by" character varying(200) NOT NULL, CONSTRAINT "PK_6e24383c110600564187e92042e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_indicators_author" ON "indicators"  ("author_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "ix_indicators_seq" ON "indicators"  ("seq") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_indicators_observable_author" ON "indicators"  ("observable_id", "author_id") `);
        await queryRunner.query(`CREATE TABLE "sightings" ("seq" BIGSERIAL NOT NULL, "author_id" uuid NOT NULL, "tlp" character varying(16) NOT NULL, "recipient_org_ids" uuid array NOT NULL DEFAULT '{}', "recipient_group_ids" uuid array NOT NULL DEFAULT '{}', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "observable_id" uuid NOT NULL, "count" integer NOT NULL DEFAULT '1', "first_seen" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen" TIMESTAMP WITH TIME ZONE NOT NULL, "location" character varying(200), "note" text, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bd31845d3086f8bfdfecd5037ca" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ix_sightings_seq" ON "sightings"  ("seq") `);
        await queryRunner.query(`CREATE INDEX "ix_sightings_observable" ON "sightings"  ("observable_id") `);
        await queryRunner.query(`CREATE TABLE "sharing_groups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "owner_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b9d0a1c0a18456726a61eb50dad" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_sharing_groups_name" ON "sharing_groups"  ("name") `);
        await queryRunner.query(`CREATE TABLE "sharing_group_members" ("group_id" uuid NOT NULL, "organization_id" uuid NOT NULL, CONSTRAINT "PK_6492d7cbc74028f442323fd3d41" PRIMARY KEY ("group_id", "organization_id"))`);
        await queryRunner.query(`CREATE INDEX "ix_sharing_group_members_org" ON "sharing_group_members"  ("organization_id") `);
        await queryRunner.query(`CREATE TABLE "signing_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "kid" character varying(128) NOT NULL, "alg" character varying(16) NOT NULL, "jwk" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'ACTIVE', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ab7d78cf6e61dc3904133b4cd55" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_signing_keys_org_kid" ON "signing_keys"  ("organization_id", "kid") `);
        await queryRunner.query(`CREATE TABLE "warnings" ("seq" BIGSERIAL NOT NULL, "author_id" uuid NOT NULL, "tlp" character varying(16) NOT NULL, "recipient_org_ids" uuid array NOT NULL DEFAULT '{}', "recipient_group_ids" uuid array NOT NULL DEFAULT '{}', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(32) NOT NULL, "severity" character varying(16) NOT NULL, "title" character varying(300) NOT NULL, "summary" text, "subject_type" character varying(32) NOT NULL, "subject_id" uuid NOT NULL, "audience_org_ids" uuid array, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_90d86ac75b7dcd1e29e9755e78e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ix_warnings_seq" ON "warnings"  ("seq") `);
        await queryRunner.query(`ALTER TABLE "organizations" ADD CONSTRAINT "FK_f3a7c9411eaa5f9cbc5363de331" FOREIGN KEY ("parent_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "advisories" ADD CONSTRAINT "FK_c582029274627ecadcf1019f041" FOREIGN KEY ("author_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "advisory_observables" ADD CONSTRAINT "FK_ff776b4a98dfd54c95adfb437cc" FOREIGN KEY ("advisory_id") REFERENCES "advisories"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "advisory_observables" ADD CONSTRAINT "FK_a4546c770592790ffdf92418106" FOREIGN KEY ("observable_id") REFERENCES "observables"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "incidents" ADD CONSTRAINT "FK_e131ebf883f4d8426692d1c8b1d" FOREIGN KEY ("author_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "incident_observables" ADD CONSTRAINT "FK_42fecdbb3279be7a7bec5106162" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "incident_observables" ADD CONSTRAINT "FK_3e7f7848de5005de63c26077229" FOREIGN KEY ("observable_id") REFERENCES "observables"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "incident_events" ADD CONSTRAINT "FK_390f216bd2d62482f4a2602b5e8" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "asset_ranges" ADD CONSTRAINT "FK_8058ff29d6814fc4086f4573f30" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "indicators" ADD CONSTRAINT "FK_de5cdb09c90d91dd0398015aae5" FOREIGN KEY ("author_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "indicators" ADD CONSTRAINT "FK_71fbbcd57a276334827091384d7" FOREIGN KEY ("observable_id") REFERENCES "observables"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "sightings" ADD CONSTRAINT "FK_c7557fea27a2921bff9725db38c" FOREIGN KEY ("author_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "sightings" ADD CONSTRAINT "FK_ae60f3e8a0a1e81ff4c5adf0fd1" FOREIGN KEY ("observable_id") REFERENCES "observables"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "sharing_groups" ADD CONSTRAINT "FK_95ee3fb1969f6a282ae4dd688d1" FOREIGN KEY ("owner_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "sharing_group_members" ADD CONSTRAINT "FK_3502e2cfcb6db07fc979c6ee711" FOREIGN KEY ("group_id") REFERENCES "sharing_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "sharing_group_members" ADD CONSTRAINT "FK_f7394353ff1012c550cfdfd44fb" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "signing_keys" ADD CONSTRAINT "FK_15bcc39d0c1055846f20dac1204" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "warnings" ADD CONSTRAINT "FK_0e5aa2a2c4f97325bd3ab54e013" FOREIGN KEY ("author_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        // Hand-written: TypeORM cannot express GiST inet_ops; the entities mark these synchronize: false.
        await queryRunner.query(`CREATE INDEX "ix_observables_net" ON "observables" USING gist ("net" inet_ops) WHERE "net" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "ix_asset_ranges_cidr" ON "asset_ranges" USING gist ("cidr" inet_ops)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ix_asset_ranges_cidr"`);
        await queryRunner.query(`DROP INDEX "public"."ix_observables_net"`);
        await queryRunner.query(`ALTER TABLE "warnings" DROP CONSTRAINT "FK_0e5aa2a2c4f97325bd3ab54e013"`);
        await queryRunner.query(`ALTER TABLE "signing_keys" DROP CONSTRAINT "FK_15bcc39d0c1055846f20dac1204"`);
        await queryRunner.query(`ALTER TABLE "sharing_group_members" DROP CONSTRAINT "FK_f7394353ff1012c550cfdfd44fb"`);
        await queryRunner.query(`ALTER TABLE "sharing_group_members" DROP CONSTRAINT "FK_3502e2cfcb6db07fc979c6ee711"`);
        await queryRunner.query(`ALTER TABLE "sharing_groups" DROP CONSTRAINT "FK_95ee3fb1969f6a282ae4dd688d1"`);
        await queryRunner.query(`ALTER TABLE "sightings" DROP CONSTRAINT "FK_ae60f3e8a0a1e81ff4c5adf0fd1"`);
        await queryRunner.query(`ALTER TABLE "sightings" DROP CONSTRAINT "FK_c7557fea27a2921bff9725db38c"`);
        await queryRunner.query(`ALTER TABLE "indicators" DROP CONSTRAINT "FK_71fbbcd57a276334827091384d7"`);
        await queryRunner.query(`ALTER TABLE "indicators" DROP CONSTRAINT "FK_de5cdb09c90d91dd0398015aae5"`);
        await queryRunner.query(`ALTER TABLE "asset_ranges" DROP CONSTRAINT "FK_8058ff29d6814fc4086f4573f30"`);
        await queryRunner.query(`ALTER TABLE "incident_events" DROP CONSTRAINT "FK_390f216bd2d62482f4a2602b5e8"`);
        await queryRunner.query(`ALTER TABLE "incident_observables" DROP CONSTRAINT "FK_3e7f7848de5005de63c26077229"`);
        await queryRunner.query(`ALTER TABLE "incident_observables" DROP CONSTRAINT "FK_42fecdbb3279be7a7bec5106162"`);
        await queryRunner.query(`ALTER TABLE "incidents" DROP CONSTRAINT "FK_e131ebf883f4d8426692d1c8b1d"`);
        await queryRunner.query(`ALTER TABLE "advisory_observables" DROP CONSTRAINT "FK_a4546c770592790ffdf92418106"`);
        await queryRunner.query(`ALTER TABLE "advisory_observables" DROP CONSTRAINT "FK_ff776b4a98dfd54c95adfb437cc"`);
        await queryRunner.query(`ALTER TABLE "advisories" DROP CONSTRAINT "FK_c582029274627ecadcf1019f041"`);
        await queryRunner.query(`ALTER TABLE "organizations" DROP CONSTRAINT "FK_f3a7c9411eaa5f9cbc5363de331"`);
        await queryRunner.query(`DROP INDEX "public"."ix_warnings_seq"`);
        await queryRunner.query(`DROP TABLE "warnings"`);
        await queryRunner.query(`DROP INDEX "public"."uq_signing_keys_org_kid"`);
        await queryRunner.query(`DROP TABLE "signing_keys"`);
        await queryRunner.query(`DROP INDEX "public"."ix_sharing_group_members_org"`);
        await queryRunner.query(`DROP TABLE "sharing_group_members"`);
        await queryRunner.query(`DROP INDEX "public"."uq_sharing_groups_name"`);
        await queryRunner.query(`DROP TABLE "sharing_groups"`);
        await queryRunner.query(`DROP INDEX "public"."ix_sightings_observable"`);
        await queryRunner.query(`DROP INDEX "public"."ix_sightings_seq"`);
        await queryRunner.query(`DROP TABLE "sightings"`);
        await queryRunner.query(`DROP INDEX "public"."uq_indicators_observable_author"`);
        await queryRunner.query(`DROP INDEX "public"."ix_indicators_seq"`);
        await queryRunner.query(`DROP INDEX "public"."ix_indicators_author"`);
        await queryRunner.query(`DROP TABLE "indicators"`);
        await queryRunner.query(`DROP INDEX "public"."uq_asset_ranges_org_cidr"`);
        await queryRunner.query(`DROP TABLE "asset_ranges"`);
        await queryRunner.query(`DROP INDEX "public"."ix_incident_events_incident"`);
        await queryRunner.query(`DROP TABLE "incident_events"`);
        await queryRunner.query(`DROP TABLE "incident_observables"`);
        await queryRunner.query(`DROP INDEX "public"."ix_incidents_seq"`);
        await queryRunner.query(`DROP TABLE "incidents"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_events_org_at"`);
        await queryRunner.query(`DROP TABLE "audit_events"`);
        await queryRunner.query(`DROP TABLE "advisory_observables"`);
        await queryRunner.query(`DROP INDEX "public"."ix_advisories_seq"`);
        await queryRunner.query(`DROP TABLE "advisories"`);
        await queryRunner.query(`DROP INDEX "public"."ix_organizations_parent"`);
        await queryRunner.query(`DROP INDEX "public"."uq_organizations_code"`);
        await queryRunner.query(`DROP TABLE "organizations"`);
        await queryRunner.query(`DROP INDEX "public"."uq_observables_type_value"`);
        await queryRunner.query(`DROP TABLE "observables"`);
    }

}
