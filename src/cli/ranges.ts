import fs from 'node:fs';
import os from 'node:os';
import type { Services } from '../api/services';
import { domainErrorOf } from '../common/errors';
import type { AssetRangeImportItem } from '../intel/asset-range.inputs';

/** A file the import refused, with every reason (one per line); nothing was written. */
export class ImportRefused extends Error {}

/**
 * Reads `ORG_CODE CIDR` lines (blank lines and `#` comments skipped) and
 * loads them as approved ranges, all or nothing: a malformed line, or any
 * line the service refuses, stops the whole file, and every refused line is
 * reported with its number. Returns how many ranges are now approved.
 */
export async function importRangesFile(services: Services, file: string, reason: string | null): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ImportRefused(`cannot read ${file}: ${(err as Error).message}`);
  }
  const items: AssetRangeImportItem[] = [];
  const lineOf: number[] = [];
  const malformed: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const words = line.split(/\s+/);
    if (words.length !== 2) malformed.push(`line ${i + 1}: expected "ORG_CODE CIDR", found ${words.length} field(s)`);
    else {
      items.push({ organization: words[0], cidr: words[1] });
      lineOf.push(i + 1);
    }
  });
  if (malformed.length) throw new ImportRefused(`${malformed.join('\n')}\nnothing was imported`);
  if (!items.length) throw new ImportRefused(`${file} has no ranges; nothing was imported`);
  try {
    const approved = await services.assetRangeReviews.importAsOperator(operatorName(), items, reason, (i, part) => (part ? `line ${lineOf[i]} (${part})` : `line ${lineOf[i]}`));
    return approved.length;
  } catch (err) {
    const refused = domainErrorOf(err)?.details.items as { message: string }[] | undefined;
    if (refused) throw new ImportRefused(`${refused.map((r) => r.message).join('\n')}\n${refused.length} of ${items.length} lines refused; nothing was imported`);
    const domain = domainErrorOf(err);
    if (domain) throw new ImportRefused(`${domain.message}; nothing was imported`);
    throw err;
  }
}

/** Recorded as the reviewer (`cli/<name>`): the operator's login, as far as the system knows it. */
function operatorName(): string {
  try {
    return os.userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}
