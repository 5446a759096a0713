import type { AuditOutcome } from '../common/enums';

/** Which audit events to read; every field narrows, all are optional. */
export interface AuditFilter {
  /** The acting organisation's code. */
  organization?: string | null;
  /** An action name (`signingKey.revoke`), or a prefix ending in `*` (`signingKey.*`). */
  action?: string | null;
  /** The token subject, or `ORG/subject`. */
  actor?: string | null;
  outcome?: AuditOutcome | null;
  /** From this time on (inclusive). */
  since?: Date | null;
  /** Before this time (exclusive). */
  until?: Date | null;
}
