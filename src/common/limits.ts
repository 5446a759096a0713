/** DESIGN.md "Defaults that keep it safe": the same numbers over every transport. */
export const LIMITS = {
  depth: 10,
  aliases: 15,
  directives: 10,
  tokens: 2000,
  cost: 10_000,
  pageSize: 500,
  bulkItems: 5000,
  /** Representations in one federation `_entities` call. */
  entities: 500,
  /** The page a connection returns when `first` is left out. */
  defaultPageSize: 50,
} as const;
