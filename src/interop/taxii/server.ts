import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { authenticate, admitRequest } from '../../api/pipeline';
import type { Services } from '../../api/services';
import { toTaxiiError } from '../../api/taxii-errors';
import { finishRecord, startRecord, type OperationRecord } from '../../api/operation-log';
import type { Principal } from '../../auth/principal';
import type { IndicatorEntity } from '../../intel/indicator.entity';
import { openCursor, sealCursor } from '../../common/cursor';
import { badInput, notFound, unauthenticated } from '../../common/errors';
import { StixExporter } from '../stix/exporter';
import { StixImporter } from '../stix/importer';
import { SCO_NAMESPACE, uuidv5 } from '../stix/ids';

export const TAXII_TYPE = 'application/taxii+json;version=2.1';
const BODY_LIMIT = '1mb';
const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 100;
/** The indicators collection's id: fixed, so that clients can configure it once. */
export const INDICATORS_COLLECTION = uuidv5(SCO_NAMESPACE, 'threatfed:collection:indicators');
const SCOPE = 'taxii:objects';
/** One bulk call writes at most 5,000 indicators with one date_added: a page may grow to one such group. */
const MAX_GROUP = 5000;

/** HTTP Basic carries the token as its password, for clients that cannot send a bearer token. */
function authorizationOf(req: Request): string | undefined {
  const h = req.headers.authorization;
  const basic = h && /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h.trim());
  if (!basic) return h;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw unauthenticated('Basic credentials must be user:token', 'malformed');
  return `Bearer ${decoded.slice(colon + 1)}`;
}

type Handler = (req: Request, res: Response, p: Principal) => Promise<unknown>;

/**
 * TAXII 2.1 on the same express app as GraphQL: one API root, collections
 * read through the services under the sharing policy, the same tokens and
 * rate limits. Mounted by src/api/server.ts.
 */
export function mountTaxii(app: Express, services: Services): void {
  const exporter = new StixExporter(services);
  const importer = new StixImporter(services.indicators, services.authz);
  const router = express.Router();

  const wrap = (h: Handler, write = false) => async (req: Request, res: Response) => {
    const record = res.locals.record as OperationRecord;
    try {
      const p = await authenticate(services, authorizationOf(req), 'taxii', record);
      await admitRequest(services, p, write ? (Array.isArray(req.body?.objects) ? req.body.objects.length : 1) : undefined);
      const body = await h(req, res, p);
      res.status(res.statusCode === 200 ? 200 : res.statusCode).type(TAXII_TYPE).send(JSON.stringify(body));
    } catch (err) {
      const e = toTaxiiError(err, record.requestId);
      record.status = e.status;
      res.status(e.status).set(e.headers).type(TAXII_TYPE).send(JSON.stringify(e.body));
    }
  };

  router.use((req: Request, res: Response, next: NextFunction) => {
    const record = startRecord('taxii');
    res.locals.record = record;
    res.setHeader('x-request-id', record.requestId);
    res.once('close', () => {
      record.status = res.statusCode;
      finishRecord(record, services.metrics);
    });
    const accept = req.headers.accept;
    if (accept && !/application\/taxii\+json|\*\/\*|application\/\*/.test(accept)) {
      res.status(406).type(TAXII_TYPE).send(JSON.stringify({ title: 'Not Acceptable', description: `send Accept: ${TAXII_TYPE}`, http_status: '406' }));
      return;
    }
    next();
  });

  const collection = () => ({
    id: INDICATORS_COLLECTION,
    title: 'Indicators',
    description: 'Indicators the caller may read under the sharing policy; POST imports STIX indicators as the caller\'s organisation.',
    can_read: true,
    can_write: true,
    media_types: [TAXII_TYPE],
  });
  const checkCollection = (req: Request) => {
    if (req.params.collection !== INDICATORS_COLLECTION) throw notFound('Collection', String(req.params.collection));
  };

  router.get('/', wrap(async () => ({ title: 'ThreatFed TAXII 2.1', default: '/taxii2/api/', api_roots: ['/taxii2/api/'] })));
  router.get('/api/', wrap(async () => ({ title: 'ThreatFed', versions: [TAXII_TYPE], max_content_length: 1024 * 1024 })));
  router.get('/api/collections/', wrap(async () => ({ collections: [collection()] })));
  router.get('/api/collections/:collection/', wrap(async (req) => (checkCollection(req), collection())));

  /** One page of the collection in date_added order; `next` seals the query and the last row. */
  const page = async (req: Request, p: Principal, ids?: string[], qOverride?: Record<string, string | undefined>): Promise<{ items: IndicatorEntity[]; added: Map<string, string>; more: boolean; next: string | undefined }> => {
    checkCollection(req);
    const q = qOverride ?? (req.query as Record<string, string | undefined>);
    const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1) throw badInput('limit', 'must be a positive integer');
    const addedAfter = q.added_after;
    if (addedAfter !== undefined && Number.isNaN(Date.parse(addedAfter))) throw badInput('added_after', 'must be a timestamp');
    const matchId = q['match[id]']?.split(',');
    const matchType = q['match[type]']?.split(',');
    const query = { c: req.params.collection, a: addedAfter ?? null, i: matchId ?? null, y: matchType ?? null, s: q['match[spec_version]'] ?? null, v: q['match[version]'] ?? null };
    let after: { t: string; id: string } | undefined;
    if (q.next) {
      const c = openCursor(SCOPE, q.next, 'next');
      // The query travels inside the cursor and must be the same on use: another filter would skip or repeat objects.
      if (JSON.stringify(c.q) !== JSON.stringify(query)) throw badInput('next', 'belongs to another query');
      after = { t: String(c.t), id: String(c.id) };
    }
    // One version per object (the current one), all STIX 2.1: version first/last/all keep it, a timestamp must equal it.
    const specVersion = q['match[spec_version]']?.split(',');
    const version = q['match[version]']?.split(',');
    const none = { items: [], added: new Map<string, string>(), more: false, next: undefined };
    if (specVersion && !specVersion.includes('2.1')) return none;
    if (version && !version.some((v) => ['first', 'last', 'all'].includes(v))) {
      const r = await page(req, p, ids, { ...q, 'match[version]': 'all' });
      r.items = r.items.filter((i) => version.includes(i.lastReported.toISOString()));
      return r;
    }
    if (matchType && !matchType.includes('indicator')) return { items: [], added: new Map<string, string>(), more: false, next: undefined };
    const stixIds = matchId ?? ids;
    const uuids = stixIds?.map((s) => s.replace(/^indicator--/, '')).filter((s) => /^[0-9a-f-]{36}$/i.test(s));
    if (stixIds && !uuids?.length) return { items: [], added: new Map<string, string>(), more: false, next: undefined };
    const r = await services.indicators.addedPage(p, { after, addedAfter, ids: uuids, limit: Math.min(limit, MAX_LIMIT) });
    // A client resuming with added_after = this page's last date_added would skip the rest of a group sharing that
    // date_added: end the page before such a group, or, when the group is the whole page, return the whole group.
    const lastAdded = r.items.length ? r.added.get(r.items[r.items.length - 1].id) : undefined;
    if (r.hasMore && lastAdded && r.nextAdded === lastAdded) {
      const before = r.items.filter((i) => r.added.get(i.id) !== lastAdded);
      if (before.length) r.items = before;
      else {
        const group = await services.indicators.addedPage(p, { after, addedAfter, ids: uuids, at: lastAdded, limit: MAX_GROUP });
        r.items = group.items;
        for (const [k, v] of group.added) r.added.set(k, v);
      }
    }
    const last = r.items[r.items.length - 1];
    const next = r.hasMore && last ? sealCursor(SCOPE, { q: query, t: r.added.get(last.id)!, id: last.id }) : undefined;
    return { items: r.items, added: r.added, more: r.hasMore, next };
  };
  const dateHeaders = (res: Response, added: string[]) => {
    if (!added.length) return;
    res.setHeader('X-TAXII-Date-Added-First', added[0]);
    res.setHeader('X-TAXII-Date-Added-Last', added[added.length - 1]);
  };

  router.get('/api/collections/:collection/objects/', wrap(async (req, res, p) => {
    const r = await page(req, p);
    dateHeaders(res, r.items.map((i) => r.added.get(i.id)!));
    const objects = (await exporter.objects(p, { indicators: r.items })).filter((o) => o.type === 'indicator');
    return { more: r.more, ...(r.next ? { next: r.next } : {}), objects };
  }));
  router.get('/api/collections/:collection/objects/:id/', wrap(async (req, res, p) => {
    const r = await page(req, p, [String(req.params.id)]);
    if (!r.items.length) throw notFound('Object', String(req.params.id));
    dateHeaders(res, r.items.map((i) => r.added.get(i.id)!));
    return { more: false, objects: (await exporter.objects(p, { indicators: r.items })).filter((o) => o.type === 'indicator') };
  }));
  router.get('/api/collections/:collection/manifest/', wrap(async (req, res, p) => {
    const r = await page(req, p);
    const added = r.items.map((i) => r.added.get(i.id)!);
    dateHeaders(res, added);
    const objects = r.items.map((i, k) => ({ id: `indicator--${i.id}`, date_added: added[k], version: i.lastReported.toISOString(), media_type: TAXII_TYPE }));
    return { more: r.more, ...(r.next ? { next: r.next } : {}), objects };
  }));
  router.get('/api/collections/:collection/objects/:id/versions/', wrap(async (req, res, p) => {
    const r = await page(req, p, [String(req.params.id)]);
    if (!r.items.length) throw notFound('Object', String(req.params.id));
    dateHeaders(res, r.items.map((i) => r.added.get(i.id)!));
    return { more: false, versions: r.items.map((i) => i.lastReported.toISOString()) };
  }));
  router.post('/api/collections/:collection/objects/', express.json({ limit: BODY_LIMIT, type: ['application/taxii+json', 'application/json'] }), wrap(async (req, res, p) => {
    checkCollection(req);
    const out = await importer.import(p, req.body);
    res.status(202);
    const ok = out.results.filter((r) => r.status !== 'REJECTED');
    const bad = out.results.filter((r) => r.status === 'REJECTED');
    return {
      id: randomUUID(),
      status: 'complete',
      total_count: out.results.length,
      success_count: ok.length,
      failure_count: bad.length,
      pending_count: 0,
      successes: ok.map((r) => ({ id: r.id ?? `index-${r.index}` })),
      failures: bad.map((r) => ({ id: r.id ?? `index-${r.index}`, message: r.reason })),
    };
  }, true));
  router.all('/{*rest}', wrap(async () => { throw notFound('TAXII endpoint', ''); }));

  // Body-parser refusals (too large, bad JSON) in the TAXII error shape: 413 for an oversized body.
  router.use((err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (!err?.status) return next(err);
    const status = err.type === 'entity.too.large' ? 413 : 400;
    const description = status === 413 ? `request body exceeds ${BODY_LIMIT}` : 'malformed JSON request body';
    res.status(status).type(TAXII_TYPE).send(JSON.stringify({ title: status === 413 ? 'Payload Too Large' : 'Bad Request', description, http_status: String(status) }));
  });
  app.use('/taxii2', router);
}
