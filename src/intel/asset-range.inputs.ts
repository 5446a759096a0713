/** Plain inputs of the asset-range services; the GraphQL input classes implement them, and the CLI builds them from a file. */

/** A decision on some of one organisation's declared ranges. */
export interface AssetRangeReviewInput {
  /** The owner's code. */
  organization: string;
  /** The ranges as declared (CIDR blocks or single addresses). */
  cidrs: string[];
  approve: boolean;
  /** Required to reject (the owner reads it); optional to approve. */
  reason?: string | null;
}

/** One line of a bulk load of approved ranges (a registry export): the owner's code and a block. */
export interface AssetRangeImportItem {
  organization: string;
  cidr: string;
}
