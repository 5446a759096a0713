import type { ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import type { RequestWithBody } from './graphql-http';

/** `application/json`, with no charset or UTF-8's: what GraphQL clients send. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * express.json() with a short path for what nearly every request is: a POST of `application/json` in UTF-8, not
 * compressed, whose Content-Length is within `limit`. Its body is read and parsed as body-parser would (strict: an
 * object or an array; empty is `{}`); anything else (another charset, a compressed or chunked body, one too large)
 * goes through body-parser itself. Failures carry body-parser's `status` and `type`, so one handler words them all.
 * body-parser's content-type, charset and stream handling were a twentieth of a look-up's CPU.
 */
export function jsonBody(limit: number) {
  const general = express.json({ limit });
  return (req: RequestWithBody, res: ServerResponse, next: (err?: unknown) => void): void => {
    const length = req.headers['content-length'];
    if (req.method !== 'POST' || length === undefined || !(Number(length) <= limit) || req.headers['content-encoding'] !== undefined || !PLAIN_JSON.test(req.headers['content-type'] ?? '')) {
      // body-parser reads plain node:http requests too.
      general(req as Request, res as Response, next);
      return;
    }
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      next(err);
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('error', () => finish(Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' })));
    req.once('end', () => {
      try {
        req.body = parseStrict((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8'));
      } catch {
        finish(Object.assign(new Error('malformed JSON request body'), { status: 400, type: 'entity.parse.failed' }));
        return;
      }
      finish();
    });
  };
}

/** body-parser's strict JSON: a byte-order mark is dropped, an empty body is `{}`, and only an object or array is accepted. */
function parseStrict(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return {};
  const first = /^[\x20\x09\x0a\x0d]*(.)/.exec(body)?.[1];
  if (first !== '{' && first !== '[') throw new SyntaxError('not an object or array');
  return JSON.parse(body);
}
