import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors';
import { Shareable } from './federation';
import { LIMITS } from './limits';

const CURSOR_PREFIX = 'v1:';
const DEFAULT_PAGE = LIMITS.defaultPageSize;

/** Cursors are opaque to clients: the row's `seq`, versioned and base64url-encoded. */
export function encodeCursor(seq: string | number | bigint): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`).toString('base64url');
}

/** Parses `after`; a cursor we did not issue is a BAD_USER_INPUT naming the argument. */
export function decodeCursor(after: string | null | undefined, field = 'after'): string | undefined {
  if (after === undefined || after === null) return undefined;
  const raw = Buffer.from(after, 'base64url').toString('utf8');
  if (!raw.startsWith(CURSOR_PREFIX) || !/^\d{1,19}$/.test(raw.slice(CURSOR_PREFIX.length))) {
    throw badInput(field, 'is not a cursor returned by this API');
  }
  return raw.slice(CURSOR_PREFIX.length);
}

export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === undefined || first === null) return DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > LIMITS.pageSize) {
    throw badInput(field, `must be between 1 and ${LIMITS.pageSize}`);
  }
  return first;
}

/** What a service returns for a list: one page, newest first, and a count under the same predicate. */
export interface Page<T extends { seq: string }> {
  items: T[];
  hasNextPage: boolean;
  count: () => Promise<number>;
}

@Shareable()
@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

/** A Relay connection type for `node`, named `<name>Connection` with `<name>Edge`. */
export function ConnectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection implements ConnectionShape<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    private counter!: () => Promise<number>;

    /** Counted under the same sharing predicate as the page, and only when asked for. */
    @Field(() => Int)
    totalCount(): Promise<number> {
      return this.counter();
    }

    static from<N extends T & { seq: string }>(page: Page<N>, toNode: (row: N) => T = (r) => r): Connection {
      const c = new Connection();
      c.edges = page.items.map((row) => ({ cursor: encodeCursor(row.seq), node: toNode(row) }));
      c.pageInfo = {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: false,
        startCursor: c.edges[0]?.cursor ?? null,
        endCursor: c.edges[c.edges.length - 1]?.cursor ?? null,
      };
      c.counter = page.count;
      return c;
    }
  }
  return Connection;
}

@ArgsType()
/** `first` / `after` for connections without filters. */
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'At most 500; default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

