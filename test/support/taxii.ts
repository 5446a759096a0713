import { TAXII_TYPE } from '../../src/interop/taxii/server';
import type { TestApp } from './app';

export interface TaxiiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** The TAXII root of a test app's server. */
export const taxiiBase = (app: TestApp) => app.url.replace(/\/graphql$/, '/taxii2');

/** One TAXII request as a client sends it: the TAXII Accept, the token as a bearer (or as a Basic password). */
export async function taxii(token: string | null, url: string, init: RequestInit = {}, basic = false): Promise<TaxiiResponse> {
  const headers: Record<string, string> = { accept: TAXII_TYPE, ...(init.headers as Record<string, string>) };
  if (token) headers.authorization = basic ? `Basic ${Buffer.from(`anyone:${token}`).toString('base64')}` : `Bearer ${token}`;
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** Every entry of a collection's `objects/` or `manifest/` the caller reads, following `next`. */
export async function allOf(token: string, collectionUrl: string, path: 'objects/' | 'manifest/' = 'objects/', extra = ''): Promise<any[]> {
  const out: any[] = [];
  let url = `${collectionUrl}${path}?limit=500${extra}`;
  for (let n = 0; n < 1000; n++) {
    const r = await taxii(token, url);
    if (r.status !== 200) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.body)}`);
    out.push(...r.body.objects);
    if (!r.body.more) return out;
    url = `${collectionUrl}${path}?limit=500${extra}&next=${encodeURIComponent(r.body.next)}`;
  }
  throw new Error('paging did not end');
}

/** POSTs an envelope to a collection. */
export const postEnvelope = (token: string, collectionUrl: string, envelope: unknown, contentType = TAXII_TYPE) =>
  taxii(token, `${collectionUrl}objects/`, { method: 'POST', body: JSON.stringify(envelope), headers: { 'content-type': contentType } });
