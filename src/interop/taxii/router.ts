import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { authenticate, admitRequest } from '../../api/pipeline';
import type { Services } from '../../api/services';
import { toTaxiiError } from '../../api/taxii-errors';
import { recordHttpRequest, type OperationRecord } from '../../api/operation-log';
import type { Principal } from '../../auth/principal';
import { forbidden, notFound, unauthenticated } from '../../common/errors';
import { StixExporter } from '../stix/exporter';
import { StixImporter } from '../stix/importer';
import { collectionResource, Collections, TAXII_TYPE, type Collection } from './collections';
import { taxiiPage, type Row } from './paging';
import { TaxiiStatusStore } from './status.store';

const BODY_LIMIT = '1mb';

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

/** Whether a media range names TAXII 2.1 (`application/taxii+json`, no version or version 2.1), optionally through a wildcard. */
function isTaxii21(range: string, wildcards: boolean): boolean {
  const [type, ...params] = range.split(';').map((x) => x.trim().toLowerCase());
  if (wildcards && (type === '*/*' || type === 'application/*')) return true;
  if (type !== 'application/taxii+json') return false;
  const version = params.find((x) => x.startsWith('version='));
  return !version || version.replace(/\s/g, '') === 'version=2.1';
}

/** A TAXII response with the media type exactly as the specification writes it (express would add a space and a charset to a string body). */
function send(res: Response, status: number, body: unknown): void {
  res.status(status).setHeader('Content-Type', TAXII_TYPE);
  if (body === undefined) res.end();
  else res.send(Buffer.from(JSON.stringify(body)));
}

function sendError(res: Response, status: number, title: string, description: string): void {
  send(res, status, { title, description, http_status: String(status) });
}

type Handler = (req: Request, res: Response, p: Principal) => Promise<unknown>;

/**
 * TAXII 2.1 on the same express app as GraphQL: one API root, collections
 * read through the services under the sharing policy (collections.ts), the
 * same tokens and rate limits. Mounted by src/api/server.ts.
 */
export function mountTaxii(app: Express, services: Services): void {
  const exporter = new StixExporter(services);
  const importer = new StixImporter(services);
  const collections = new Collections(services, exporter);
  const statuses = new TaxiiStatusStore(services.db);
  const router = express.Router();

  const wrap = (h: Handler, write = false) => async (req: Request, res: Response) => {
    const record = res.locals.record as OperationRecord;
    try {
      const p = await authenticate(services, authorizationOf(req), 'taxii', record);
      await admitRequest(services, p, write ? (Array.isArray(req.body?.objects) ? req.body.objects.length : 1) : undefined);
      const body = await h(req, res, p);
      if (res.headersSent) return;
      send(res, res.statusCode, body);
    } catch (err) {
      const e = toTaxiiError(err, record.requestId);
      record.status = e.status;
      send(res.set(e.headers), e.status, e.body);
    }
  };

  router.use((req: Request, res: Response, next: NextFunction) => {
    recordHttpRequest(res, 'taxii', services.metrics);
    const accept = req.headers.accept;
    if (accept && !accept.split(',').some((r) => isTaxii21(r, true))) return sendError(res, 406, 'Not Acceptable', `send Accept: ${TAXII_TYPE}`);
    next();
  });

  const collectionOf = (req: Request, p: Principal) => collections.get(p, String(req.params.collection));
  const query = (req: Request) => req.query as Record<string, string | undefined>;
  const dateHeaders = (res: Response, rows: Row[]) => {
    if (!rows.length) return;
    res.setHeader('X-TAXII-Date-Added-First', rows[0].added);
    res.setHeader('X-TAXII-Date-Added-Last', rows[rows.length - 1].added);
  };
  /** The STIX objects of `rows`, in order, each written by its kind. */
  const stixOf = async (p: Principal, rows: Row[]) => {
    const byKind = new Map<Row['kind'], Row[]>();
    for (const r of rows) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
    const out = new Map<string, unknown>();
    for (const [kind, list] of byKind) for (const o of await kind.toStix(p, list.map((r) => r.item))) out.set(o.id, o);
    return rows.map((r) => out.get(r.stixId)).filter(Boolean);
  };
  /** The one object `id` of collection `c` as the caller may read it; NOT_FOUND otherwise. */
  const one = async (req: Request, p: Principal, c: Collection) => {
    const r = await taxiiPage(p, c, query(req), [String(req.params.id)]);
    if (!r.rows.length) throw notFound('Object', String(req.params.id));
    return r.rows;
  };

  router.get('/', wrap(async () => ({ title: 'ThreatFed TAXII 2.1', default: '/taxii2/api/', api_roots: ['/taxii2/api/'] })));
  router.get('/api/', wrap(async () => ({ title: 'ThreatFed', versions: [TAXII_TYPE], max_content_length: 1024 * 1024 })));
  router.get('/api/status/:id/', wrap(async (req, _res, p) => statuses.byId(p, String(req.params.id))));
  router.get('/api/collections/', wrap(async (_req, _res, p) => ({ collections: (await collections.list(p)).map((c) => collectionResource(p, c)) })));
  router.get('/api/collections/:collection/', wrap(async (req, _res, p) => collectionResource(p, await collectionOf(req, p))));

  router.get('/api/collections/:collection/objects/', wrap(async (req, res, p) => {
    const r = await taxiiPage(p, await collectionOf(req, p), query(req));
    dateHeaders(res, r.rows);
    return { more: r.more, ...(r.next ? { next: r.next } : {}), objects: await stixOf(p, r.rows) };
  }));
  router.get('/api/collections/:collection/manifest/', wrap(async (req, res, p) => {
    const r = await taxiiPage(p, await collectionOf(req, p), query(req));
    dateHeaders(res, r.rows);
    const objects = r.rows.map((x) => ({ id: x.stixId, date_added: x.added, version: x.kind.version(x.item), media_type: TAXII_TYPE }));
    return { more: r.more, ...(r.next ? { next: r.next } : {}), objects };
  }));
  router.get('/api/collections/:collection/objects/:id/', wrap(async (req, res, p) => {
    const rows = await one(req, p, await collectionOf(req, p));
    dateHeaders(res, rows);
    return { more: false, objects: await stixOf(p, rows) };
  }));
  router.get('/api/collections/:collection/objects/:id/versions/', wrap(async (req, res, p) => {
    const rows = await one(req, p, await collectionOf(req, p));
    dateHeaders(res, rows);
    return { more: false, versions: rows.map((x) => x.kind.version(x.item)) };
  }));
  // TAXII's rules: an object the caller cannot read is 404; one it reads but may not delete is 403 (from the module's service).
  router.delete('/api/collections/:collection/objects/:id/', wrap(async (req, _res, p) => {
    const [row] = await one(req, p, await collectionOf(req, p));
    await services.authz.authorize(p, 'taxii.delete', { target: { type: row.kind.type, id: row.item.id }, authorId: row.kind.authorOf(row.item) });
    await row.kind.remove(p, row.item.id);
    return undefined;
  }, true));
  router.post(
    '/api/collections/:collection/objects/',
    express.json({ limit: BODY_LIMIT, type: (req) => isTaxii21(String(req.headers['content-type'] ?? ''), false) }),
    wrap(async (req, res, p) => {
      const c = await collectionOf(req, p);
      await services.authz.authorize(p, 'stix.import');
      if (!c.writable) throw forbidden(`the collection ${c.title} is read-only`);
      const type = String(req.headers['content-type'] ?? '');
      if (!isTaxii21(type, false)) return sendError(res, 415, 'Unsupported Media Type', `send Content-Type: ${TAXII_TYPE} (got ${type.slice(0, 100) || 'none'})`);
      const out = await importer.import(p, req.body);
      const ok = out.results.filter((r) => r.status !== 'REJECTED');
      const bad = out.results.filter((r) => r.status === 'REJECTED');
      const status = await statuses.save(p, {
        collectionId: c.id,
        successes: ok.map((r) => ({ id: r.id ?? `index-${r.index}` })),
        failures: bad.map((r) => ({ id: r.id ?? `index-${r.index}`, message: r.reason ?? 'rejected' })),
      });
      res.status(202);
      return status;
    }, true),
  );
  router.all('/{*rest}', wrap(async () => { throw notFound('TAXII endpoint', ''); }));

  // Body-parser refusals (too large, bad JSON) in the TAXII error shape: 413 for an oversized body.
  router.use((err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (!err?.status) return next(err);
    if (err.type === 'entity.too.large') return sendError(res, 413, 'Payload Too Large', `request body exceeds ${BODY_LIMIT}`);
    sendError(res, 400, 'Bad Request', 'malformed JSON request body');
  });
  app.use('/taxii2', router);
}

