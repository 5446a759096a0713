import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors';
import { Shareable } from './federation';
import { LIMITS } from './limits';

const DEFAULT_PAGE = LIMITS.defaultPageSize;

export function pageSize(first: number | null | undefined, field = 'first'): number {
  const n = validPageSize(first);
  if (n === undefined) throw badInput(field, `must be between 1 and ${LIMITS.pageSize}`);
  return n;
}

/** `first` as a page size when it is a valid one, else undefined (and the list itself reports the error). */
export function validPageSize(first: unknown): number | undefined {
  if (first === undefined || first === null) return DEFAULT_PAGE;
  return Number.isInteger(first) && (first as number) >= 1 && (first as number) <= LIMITS.pageSize ? (first as number) : undefined;
}

/** What a service returns for a list: one page, newest first, and a count under the same predicate. */
export interface Page<T extends { seq: string }> {
  items: T[];
  hasNextPage: boolean;
  count: () => Promise<number>;
  /** The sealed cursor of a row of this page (it opens only in the same list). */
  cursorOf: (row: T) => string;
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

    /** A page whose rows are the nodes, or rows mapped to nodes by `toNode`; cursors come from the rows. */
    static from<N extends T & { seq: string }>(page: Page<N>): Connection;
    static from<N extends { seq: string }>(page: Page<N>, toNode: (row: N) => T): Connection;
    static from<N extends { seq: string }>(page: Page<N>, toNode?: (row: N) => T): Connection {
      const c = new Connection();
      // Cursors are sealed (AES-GCM) only when a query asks for them: a look-up's nested list rarely does.
      c.edges = page.items.map((row) => {
        let cursor: string | undefined;
        return { node: toNode ? toNode(row) : (row as unknown as T), get cursor() { return (cursor ??= page.cursorOf(row)); } };
      });
      const edges = c.edges;
      c.pageInfo = {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: false,
        get startCursor() { return edges[0]?.cursor ?? null; },
        get endCursor() { return edges[edges.length - 1]?.cursor ?? null; },
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

