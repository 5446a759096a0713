import { InputProblem } from './errors';

/**
 * Small input checks shared by services. Each throws an InputProblem naming
 * the field and the rule (BAD_USER_INPUT, or a per-item result in bulk calls).
 *
 * Every string that reaches SQL goes through one of these first. PostgreSQL
 * refuses NUL in text (the whole statement, and with it a whole bulk call,
 * would fail as an internal error), and node-pg silently turns an unpaired
 * surrogate into U+FFFD, so neither may get that far.
 */

/**
 * `line`: names, codes, titles, tags, keys: shown in lists and compared by
 * eye, so no control characters at all and no bidirectional overrides or
 * isolates, which can make one name display as another (Trojan Source).
 * `free`: descriptions, notes, bodies, reasons: prose that legitimately has
 * line breaks and tabs, and may be written in a right-to-left script.
 */
export type TextKind = 'line' | 'free';

const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
/** C0 controls, DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, less the tab, line feed and carriage return of ordinary prose. */
const CONTROL_IN_PROSE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const codePoint = (ch: string) => `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `value` may not be stored as text of `kind`, or null when it may.
 * Positions count from 0; `offset` shifts them when `value` was trimmed from the input.
 */
export function textProblem(value: string, kind: TextKind = 'line', offset = 0): string | null {
  const nul = value.indexOf('\u0000');
  if (nul >= 0) return `must not contain control characters (NUL, U+0000, at index ${nul + offset})`;
  const bad = (re: RegExp) => {
    const m = re.exec(value);
    return m ? `${codePoint(m[0])} at index ${m.index + offset}` : null;
  };
  let found: string | null;
  if (kind === 'line' && (found = bad(CONTROL))) return `must not contain control characters, tabs or line breaks (${found})`;
  if (kind === 'free' && (found = bad(CONTROL_IN_PROSE))) {
    return `must not contain control characters other than tab, line feed and carriage return (${found})`;
  }
  if (kind === 'line' && (found = bad(BIDI))) return `must not contain bidirectional override or isolate characters (${found})`;
  if ((found = bad(LONE_SURROGATE))) return `must be well-formed Unicode (unpaired surrogate ${found})`;
  return null;
}

/**
 * `value` trimmed, or an InputProblem when what is left may not be stored as
 * text of `kind`. Surrounding white space (a pasted trailing newline) is
 * dropped rather than refused, since it is never stored.
 */
export function cleanText(field: string, value: string, kind: TextKind = 'line'): string {
  if (typeof value !== 'string') throw new InputProblem(field, 'must be a string');
  const v = value.trim();
  const problem = textProblem(v, kind, value.length - value.trimStart().length);
  if (problem) throw new InputProblem(field, problem);
  return v;
}

/** Single-line unless `multiline`: the default is the strict rule, so a new field is safe until someone decides it is prose. */
export function text(field: string, value: string, opts: { max: number; min?: number; multiline?: boolean }): string {
  const v = cleanText(field, value, opts.multiline ? 'free' : 'line');
  const min = opts.min ?? 1;
  if (v.length < min) throw new InputProblem(field, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
  if (v.length > opts.max) throw new InputProblem(field, `must be at most ${opts.max} characters`);
  return v;
}

export function optionalText(field: string, value: string | null | undefined, max: number, opts: { multiline?: boolean } = {}): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  return text(field, value, { max, ...opts });
}

export function textList(
  field: string,
  values: string[] | null | undefined,
  opts: { maxItems: number; maxLen: number; multiline?: boolean },
): string[] {
  if (!values) return [];
  if (values.length > opts.maxItems) throw new InputProblem(field, `must have at most ${opts.maxItems} items`);
  const out = values.map((v, i) => text(`${field}[${i}]`, v, { max: opts.maxLen, multiline: opts.multiline }));
  return [...new Set(out)];
}

/**
 * A value looked up rather than stored (an organisation code, a kid, a tag or
 * author in a filter): trimmed, single-line. Its length is not limited, since
 * a key that is too long simply matches nothing.
 */
export function lookupKey(field: string, value: string): string {
  return cleanText(field, value, 'line');
}

export function lookupKeys(field: string, values: string[]): string[] {
  return values.map((v, i) => lookupKey(`${field}[${i}]`, v));
}

export function intRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new InputProblem(field, `must be an integer from ${min} to ${max}`);
  return value;
}

/** The character check comes first, so that a code with a NUL is told about the NUL rather than only the pattern. */
export function pattern(field: string, value: string, re: RegExp, rule: string): string {
  cleanText(field, value, 'line');
  if (!re.test(value)) throw new InputProblem(field, rule);
  return value;
}

/** Reporters' clocks drift; a few minutes ahead is not "in the future". */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** For times at which something was observed: they cannot lie ahead of the server's clock (give or take CLOCK_SKEW_MS). */
export function notInFuture(field: string, value: Date | null | undefined, now = Date.now()): Date | null {
  if (value == null) return null;
  if (Number.isNaN(value.getTime())) throw new InputProblem(field, 'must be a valid date-time');
  if (value.getTime() > now + CLOCK_SKEW_MS) {
    throw new InputProblem(field, `must not be in the future (more than ${CLOCK_SKEW_MS / 60_000} minutes ahead of the server's clock)`);
  }
  return value;
}
