import type { Severity, WarningKind } from '../common/enums';

/** Which warnings a reader wants; checked once, applied in SQL (queries, replay) and in memory (live delivery). */
export interface WarningFilter {
  /** At least this severity. */
  minSeverity?: Severity | null;
  kinds?: WarningKind[] | null;
  /** Advisory, Indicator, Incident. */
  subjectTypes?: string[] | null;
}
