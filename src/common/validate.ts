import { InputProblem } from './errors';

/**
 * Small input checks shared by services. Each throws an InputProblem naming
 * the field and the rule (BAD_USER_INPUT, or a per-item result in bulk calls).
 */
export function text(field: string, value: string, opts: { max: number; min?: number }): string {
  const v = value.trim();
  const min = opts.min ?? 1;
  if (v.length < min) throw new InputProblem(field, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
  if (v.length > opts.max) throw new InputProblem(field, `must be at most ${opts.max} characters`);
  return v;
}

export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  return text(field, value, { max });
}

export function textList(field: string, values: string[] | null | undefined, opts: { maxItems: number; maxLen: number }): string[] {
  if (!values) return [];
  if (values.length > opts.maxItems) throw new InputProblem(field, `must have at most ${opts.maxItems} items`);
  const out = values.map((v, i) => text(`${field}[${i}]`, v, { max: opts.maxLen }));
  return [...new Set(out)];
}

export function intRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new InputProblem(field, `must be an integer from ${min} to ${max}`);
  return value;
}

export function pattern(field: string, value: string, re: RegExp, rule: string): string {
  if (!re.test(value)) throw new InputProblem(field, rule);
  return value;
}
