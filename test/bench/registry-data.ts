import type { DataSource } from 'typeorm';

/**
 * Fills a migrated bench database with a registry at national scale, by SQL
 * (the services would take minutes and are not what is measured): 24
 * top-level organisations (ORG-00 must already exist; ministries, provinces
 * and sector CERTs) with 4 departments each, `systems` information systems
 * spread over those 120 owners (63 % approved, 10 % waiting, 7 % returned,
 * 13 % never submitted, 6 % expired, 1 % retired), their checklists (about 68 % of the
 * lines met), dossiers, 3,000 incidents (10 % RED), 2,000 EXPOSURE warnings
 * about a vendor's botnet IPs (10 % revoked) among 30,000 other warnings, and
 * 1,000 inspections (20 % overdue). Deterministic: every choice is a function
 * of a row number. Returns the row counts.
 */
export async function fillRegistry(db: DataSource, systems: number): Promise<Record<string, string>> {
  await db.transaction(async (m) => {
    await m.query(`
      INSERT INTO organizations (code, name, kind, sector, region, parent_id, status, allowed_roles, default_tlp)
      SELECT 'ORG-' || lpad(g::text, 2, '0'), 'Top ' || g, (ARRAY['MINISTRY','PROVINCE','SECTOR_CERT'])[1 + g % 3],
             (ARRAY['finance','health','government','social-security'])[1 + g % 4], (ARRAY['national','hanoi','danang','hcmc'])[1 + g % 4],
             NULL, 'ACTIVE', ARRAY['VIEWER','REPORTER','CONTRIBUTOR','ANALYST','ADMIN'], 'AMBER'
        FROM generate_series(1, 23) g`);
    await m.query(`
      INSERT INTO organizations (code, name, kind, sector, region, parent_id, status, allowed_roles, default_tlp)
      SELECT p.code || '-D' || d, p.name || ' department ' || d, 'AGENCY', p.sector, p.region, p.id, 'ACTIVE', ARRAY['VIEWER','REPORTER','ADMIN'], 'AMBER'
        FROM organizations p CROSS JOIN generate_series(1, 4) d
       WHERE p.code LIKE 'ORG-__'`);
    await m.query(`INSERT INTO organizations (code, name, kind, status, allowed_roles, default_tlp)
                   VALUES ('BENCH-VENDOR', 'Vendor (bench)', 'SECURITY_VENDOR', 'ACTIVE', ARRAY['VIEWER','CONTRIBUTOR'], 'GREEN')`);
    // Systems: the state is a function of g; levels 1 to 5, lower ones more common.
    await m.query(
      `CREATE TEMP TABLE bench_sys ON COMMIT DROP AS
       SELECT g, owners[1 + g % array_length(owners, 1)] AS owner_id,
              (ARRAY[1,1,2,2,2,3,3,3,4,5])[1 + (g * 7) % 10] AS lvl,
              CASE WHEN g % 100 < 63 THEN 'A' WHEN g % 100 < 73 THEN 'P' WHEN g % 100 < 80 THEN 'R' WHEN g % 100 < 93 THEN 'N' WHEN g % 100 < 99 THEN 'E' ELSE 'X' END AS st
         FROM generate_series(1, $1::int) g,
              (SELECT array_agg(id ORDER BY code) AS owners FROM organizations WHERE code LIKE 'ORG-%') o`,
      [systems],
    );
    await m.query(`
      INSERT INTO information_systems (owner_id, name, proposed_level, approved_level, approved_at, approved_until, review_state, lifecycle, created_by)
      SELECT owner_id, 'System ' || g, lvl,
             CASE WHEN st IN ('A','E') THEN lvl END,
             CASE WHEN st IN ('A','E') THEN now() - interval '200 days' END,
             CASE st WHEN 'A' THEN now() + make_interval(days => 30 + g % 300) WHEN 'E' THEN now() - make_interval(days => 1 + g % 60) END,
             CASE st WHEN 'P' THEN 'SUBMITTED' WHEN 'R' THEN 'RETURNED' ELSE 'NONE' END,
             CASE st WHEN 'X' THEN 'RETIRED' ELSE 'IN_OPERATION' END, 'bench'
        FROM bench_sys`);
    await m.query(`
      INSERT INTO safety_dossiers (system_id, owner_id, version, proposed_level, description, status, submitted_at, submitted_by, valid_until)
      SELECT s.id, s.owner_id, 1, s.proposed_level, 'Dossier of ' || s.name,
             CASE b.st WHEN 'P' THEN 'SUBMITTED' WHEN 'R' THEN 'RETURNED' ELSE 'APPROVED' END,
             now() - make_interval(days => b.g % 40, hours => b.g % 24), 'bench', s.approved_until
        FROM information_systems s JOIN bench_sys b ON s.name = 'System ' || b.g
       WHERE b.st NOT IN ('N', 'X')`);
    await m.query(`
      INSERT INTO system_requirements (system_id, requirement_id, owner_id, met)
      SELECT s.id, r.id, s.owner_id, (hashtext(s.id::text || r.code) & 1023) < 700
        FROM information_systems s JOIN requirements r ON r.active AND r.level <= s.proposed_level`);
    // Incidents by the owners: statuses in turn; closed ones with a CLOSED event hours after the report.
    await m.query(`
      INSERT INTO incidents (author_id, tlp, title, category, severity, status, created_by, created_at)
      SELECT owners[1 + g % array_length(owners, 1)], CASE WHEN g % 10 = 0 THEN 'RED' ELSE 'AMBER_STRICT' END, 'Incident ' || g, 'MALWARE', 'HIGH',
             (ARRAY['REPORTED','TRIAGED','CONTAINED','RESOLVED','CLOSED','CLOSED'])[1 + g % 6], 'bench', now() - make_interval(days => g % 90)
        FROM generate_series(1, 3000) g, (SELECT array_agg(id ORDER BY code) AS owners FROM organizations WHERE code LIKE 'ORG-%') o`);
    await m.query(`
      INSERT INTO incident_events (incident_id, kind, from_status, to_status, actor_org_id, actor_sub, created_at)
      SELECT id, 'STATUS_CHANGED', 'RESOLVED', 'CLOSED', author_id, 'bench', created_at + make_interval(hours => 4 + (seq % 200)::int)
        FROM incidents WHERE status = 'CLOSED'`);
    // Botnet IPs of a vendor, each inside an owner's space: an EXPOSURE warning to that owner.
    await m.query(`
      INSERT INTO observables (type, value, net)
      SELECT 'IPV4', '10.' || (g / 65536) || '.' || (g / 256 % 256) || '.' || (g % 256), ('10.' || (g / 65536) || '.' || (g / 256 % 256) || '.' || (g % 256))::inet
        FROM generate_series(1, 2000) g`);
    await m.query(`
      INSERT INTO indicators (observable_id, author_id, tlp, confidence, severity, threat_types, valid_from, valid_until, revoked, revoked_at, created_by, updated_by)
      SELECT o.id, v.id, 'GREEN', 70, 'MEDIUM', ARRAY['BOTNET'], now() - interval '30 days',
             CASE WHEN abs(hashtext(o.value)) % 10 = 1 THEN now() - interval '2 days' END, abs(hashtext(o.value)) % 10 = 0,
             CASE WHEN abs(hashtext(o.value)) % 10 = 0 THEN now() - interval '5 days' END, 'bench', 'bench'
        FROM observables o, organizations v WHERE v.code = 'BENCH-VENDOR' AND o.type = 'IPV4'`);
    await m.query(`
      INSERT INTO warnings (kind, severity, title, subject_type, subject_id, author_id, tlp, audience_org_ids, created_at)
      SELECT 'EXPOSURE', 'MEDIUM', 'Exposure ' || o.value, 'Indicator', i.id, i.author_id, 'GREEN',
             ARRAY[owners[1 + abs(hashtext(o.value)) % array_length(owners, 1)]], now() - interval '20 days'
        FROM indicators i JOIN observables o ON o.id = i.observable_id,
             (SELECT array_agg(id ORDER BY code) AS owners FROM organizations WHERE code LIKE 'ORG-%') x`);
    await m.query(`
      INSERT INTO warnings (kind, severity, title, subject_type, subject_id, author_id, tlp)
      SELECT 'INDICATOR_HIGH_SEVERITY', 'HIGH', 'Noise ' || g, 'Indicator', gen_random_uuid(), v.id, 'GREEN'
        FROM generate_series(1, 30000) g, organizations v WHERE v.code = 'BENCH-VENDOR'`);
    await m.query(`
      INSERT INTO inspections (system_id, owner_id, kind, due_at, status, scheduled_by_org_id, scheduled_by)
      SELECT s.id, s.owner_id, CASE WHEN s.seq % 2 = 0 THEN 'ANNUAL_EVALUATION' ELSE 'INSPECTION' END,
             now() + make_interval(days => (s.seq % 100)::int - 20), 'SCHEDULED', s.owner_id, 'bench'
        FROM information_systems s WHERE s.approved_until > now() ORDER BY s.seq LIMIT 1000`);
  });
  await db.query('VACUUM ANALYZE');
  const [counts] = await db.query(`SELECT
      (SELECT count(*) FROM organizations)::text AS organizations, (SELECT count(*) FROM information_systems)::text AS systems,
      (SELECT count(*) FROM system_requirements)::text AS "checklist lines", (SELECT count(*) FROM safety_dossiers)::text AS dossiers,
      (SELECT count(*) FROM incidents)::text AS incidents, (SELECT count(*) FROM warnings)::text AS warnings,
      (SELECT count(*) FROM inspections)::text AS inspections`);
  return counts;
}
