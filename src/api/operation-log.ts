import { randomUUID } from 'node:crypto';
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Principal } from '../auth/principal';
import { logger } from '../common/logger';
import type { Metrics } from '../common/metrics';

/**
 * What one operation leaves behind: one JSON log line and its metrics. The
 * transport starts a record when the operation arrives, the pipeline fills
 * in who and what, and the transport finishes it when the answer has gone
 * (for a subscription: when it ends).
 */
export interface OperationRecord {
  requestId: string;
  transport: 'http' | 'websocket' | 'taxii';
  /** The websocket connection it arrived on. */
  connectionId?: string;
  /** The client's id of a websocket operation. */
  operationId?: string;
  started: number;
  organization?: string;
  subject?: string;
  /** The client's name for the operation (logs only: clients choose it, so metrics never use it). */
  operationName?: string;
  operationType?: string;
  /** Its root fields, from the schema: the metrics label. */
  operation?: string;
  errorCodes: string[];
  status?: number;
  finished?: boolean;
}

export function startRecord(transport: OperationRecord['transport'], extra: Partial<OperationRecord> = {}): OperationRecord {
  return { requestId: randomUUID(), transport, started: performance.now(), errorCodes: [], ...extra };
}

export function noteCaller(record: OperationRecord | undefined, p: Principal): void {
  if (!record) return;
  record.organization = p.orgCode;
  record.subject = p.sub;
}

/** Records the operation's type, name and root fields once the document is known. */
export function noteOperation(record: OperationRecord | undefined, document: DocumentNode, operation: OperationDefinitionNode | null | undefined): void {
  if (!record || !operation) return;
  record.operationType = operation.operation;
  record.operationName = operation.name?.value;
  let fields = rootFieldsOf.get(operation);
  if (fields === undefined) rootFieldsOf.set(operation, (fields = rootFields(document, operation.selectionSet)));
  record.operation = fields;
}

/** rootFields by operation: Apollo hands the same parsed document to every request with the same query text. */
const rootFieldsOf = new WeakMap<OperationDefinitionNode, string>();

/** Adds the codes of errors sent to the client (formatted: `extensions.code`). */
export function noteErrors(record: OperationRecord | undefined, errors: readonly { extensions?: Record<string, unknown> | null }[] | undefined): void {
  if (!record || !errors) return;
  for (const e of errors) record.errorCodes.push(String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
}

/** At most this many distinct root fields name an operation in metrics; beyond, it is `multiple` (bounded label values). */
const MAX_FIELDS_IN_LABEL = 3;

/** The operation's root field names, sorted and joined with `+` (fragments followed): schema names, so metric labels stay bounded. */
function rootFields(document: DocumentNode, set: SelectionSetNode): string {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (s: SelectionSetNode) => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.FIELD) names.add(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value) && fragments.has(sel.name.value)) {
        seen.add(sel.name.value);
        walk(fragments.get(sel.name.value)!.selectionSet);
      }
    }
  };
  walk(set);
  return names.size > MAX_FIELDS_IN_LABEL ? 'multiple' : [...names].sort().join('+');
}

/**
 * Ends a record: counts it (requests, duration except for subscriptions,
 * errors by code) and writes its one log line. Idempotent.
 */
export function finishRecord(record: OperationRecord, metrics: Metrics, msg = 'request'): void {
  if (record.finished) return;
  record.finished = true;
  const durationMs = performance.now() - record.started;
  const outcome = record.errorCodes.length ? 'error' : 'ok';
  const labels = { transport: record.transport, operation: record.operation ?? 'none', type: record.operationType ?? 'none', outcome };
  metrics.requests.inc(labels);
  if (record.operationType !== 'subscription') metrics.requestDuration.observe(labels, durationMs / 1000);
  for (const code of record.errorCodes) metrics.graphqlErrors.inc({ code });
  if (!logger.enabled('info')) return;
  logger.info(msg, {
    requestId: record.requestId,
    transport: record.transport,
    connectionId: record.connectionId,
    operationId: record.operationId,
    organization: record.organization,
    subject: record.subject,
    operationName: record.operationName,
    operationType: record.operationType,
    operation: record.operation,
    status: record.status,
    durationMs: Math.round(durationMs * 10) / 10,
    outcome,
    errorCode: record.errorCodes[0],
    errorCodes: record.errorCodes.length > 1 ? [...new Set(record.errorCodes)] : undefined,
  });
}

/**
 * Starts the log record of an HTTP request (kept in `res.locals.record`, its
 * id sent as x-request-id) and finishes it when the response closes.
 */
export function recordHttpRequest(res: { locals: Record<string, unknown>; setHeader(name: string, value: string): unknown; once(event: 'close', fn: () => void): unknown; statusCode: number }, transport: OperationRecord['transport'], metrics: Metrics): OperationRecord {
  const record = startRecord(transport);
  res.locals.record = record;
  res.setHeader('x-request-id', record.requestId);
  res.once('close', () => {
    record.status = res.statusCode;
    finishRecord(record, metrics);
  });
  return record;
}
