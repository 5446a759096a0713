import type { DataSource } from 'typeorm';
import type { Principal } from '../../auth/principal';
import { notFound } from '../../common/errors';
import { TaxiiStatusEntity } from './status.entity';

/** What the importer reports per object, as the status resource records it. */
export interface StatusInput {
  collectionId: string;
  successes: { id: string; message?: string }[];
  failures: { id: string; message?: string }[];
}

/** How long a status stays readable: a client reads it right after its POST, or soon after; older ones are pruned. */
export const STATUS_RETENTION_DAYS = 30;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The TAXII status resource (§4.3.1) of one stored row; timestamps in UTC with microseconds. */
function resource(row: TaxiiStatusEntity & { request_ts: string }) {
  return {
    id: row.id,
    status: row.status,
    request_timestamp: row.request_ts,
    total_count: row.totalCount,
    success_count: row.successCount,
    successes: row.successes,
    failure_count: row.failureCount,
    failures: row.failures,
    pending_count: row.pendingCount,
    pendings: [],
  };
}

/**
 * Kept results of TAXII objects POSTs. A status belongs to the organisation
 * that posted: to every other one it does not exist (NOT_FOUND).
 */
export class TaxiiStatusStore {
  constructor(private readonly db: DataSource) {}

  async save(p: Principal, input: StatusInput) {
    // Pruned per organisation as it posts (an index range), so the table holds at most a retention period of POSTs.
    await this.db.query(
      `DELETE FROM taxii_statuses WHERE organization_id = $1 AND request_timestamp < now() - make_interval(days => $2)`,
      [p.orgId, STATUS_RETENTION_DAYS],
    );
    const saved = await this.db.getRepository(TaxiiStatusEntity).save({
      organizationId: p.orgId,
      collectionId: input.collectionId,
      // The import runs inside the request: by the time the client reads it, it is complete.
      status: 'complete',
      totalCount: input.successes.length + input.failures.length,
      successCount: input.successes.length,
      failureCount: input.failures.length,
      pendingCount: 0,
      successes: input.successes,
      failures: input.failures,
    });
    return this.byId(p, saved.id);
  }

  async byId(p: Principal, id: string) {
    if (!UUID.test(id)) throw notFound('Status', id);
    const { raw, entities } = await this.db
      .getRepository(TaxiiStatusEntity)
      .createQueryBuilder('s')
      .addSelect(`to_char(s.request_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'request_ts')
      .where('s.id = :id AND s.organization_id = :org', { id, org: p.orgId })
      .getRawAndEntities();
    if (!entities.length) throw notFound('Status', id);
    return resource({ ...entities[0], request_ts: (raw[0] as { request_ts: string }).request_ts } as TaxiiStatusEntity & { request_ts: string });
  }
}
