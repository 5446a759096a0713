import { badInput, ErrorCode, InputProblem } from '../common/errors';
import { LIMITS } from '../common/limits';
import type { ObservableType, Tlp } from '../common/enums';
import { OrganizationService } from '../organizations/organization.service';
import type { IndicatorInput, ItemError, SightingInput } from './intel.inputs';
import { normalizeObservable } from './normalize';

/** Checked items of a bulk call and the refused ones, by input index. */
export interface BulkCheck<R> {
  rows: R[];
  errors: Map<number, ItemError>;
}

/** Refuses an empty or oversized bulk call outright; per-item problems are for checkItems. */
export function checkBulkSize(input: unknown[]): void {
  if (input.length === 0) throw badInput('input', 'must contain at least one item');
  if (input.length > LIMITS.bulkItems) throw badInput('input', `must contain at most ${LIMITS.bulkItems} items`);
}

/**
 * Checks every item of a bulk call: `check` gets the item, its index and a
 * helper that names its fields (`input[3].value`). An item whose check throws
 * an InputProblem is reported by index; the others go on.
 */
export function checkItems<I, R>(input: I[], check: (item: I, index: number, field: (name: string) => string) => R): BulkCheck<R> {
  const rows: R[] = [];
  const errors = new Map<number, ItemError>();
  input.forEach((item, index) => {
    try {
      rows.push(check(item, index, (name) => `input[${index}].${name}`));
    } catch (err) {
      if (!(err instanceof InputProblem)) throw err;
      errors.set(index, { code: ErrorCode.BAD_USER_INPUT, field: err.field, message: err.message });
    }
  });
  return { rows, errors };
}

/** The columns every bulk-posted item shares: its normalised observable and how it is shared. */
export interface SharedItemRow {
  index: number;
  type: ObservableType;
  value: string;
  net: string | null;
  tlp: Tlp;
  recipient_org_ids: string[];
  recipient_group_ids: string[];
}

/** Normalises an item's observable and resolves its recipients from the call's one lookup; problems name the item's fields. */
export function sharedItem(
  item: IndicatorInput | SightingInput,
  index: number,
  f: (name: string) => string,
  defaultTlp: Tlp,
  found: Map<string, { org?: string; group?: string }>,
): SharedItemRow {
  const norm = normalizeObservable(item.type, item.value, f('value'));
  const r = OrganizationService.pickRecipients(found, item.recipients, f('recipients'));
  return {
    index, type: item.type, value: norm.value, net: norm.net, tlp: item.tlp ?? defaultTlp, recipient_org_ids: r.orgIds, recipient_group_ids: r.groupIds,
  };
}
