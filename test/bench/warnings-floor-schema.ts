/**
 * The floor's schema and in-memory pub/sub (see warnings-floor.ts): the same
 * subscription text and result shape as ThreatFed's `warnings`, built with
 * plain graphql-js, no middleware, no auth, strings for every leaf.
 */
import { GraphQLBoolean, GraphQLID, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

export interface FloorEvent {
  cursor: string;
  warning: { kind: string; title: string; severity: string; subjectId: string; createdAt: string };
}

interface Subscriber {
  push(e: FloorEvent): void;
}

const subscribers = new Set<Subscriber>();

/**
 * One subscriber's iterator over the pub/sub: an unbounded queue and one
 * pending `next`, as pub/sub libraries implement it. `return()` unsubscribes
 * at once, so a closed socket leaves nothing behind.
 */
function stream(): AsyncIterableIterator<FloorEvent> {
  const items: FloorEvent[] = [];
  let pending: ((r: IteratorResult<FloorEvent>) => void) | undefined;
  let done = false;
  const sub: Subscriber = {
    push(e) {
      const p = pending;
      if (p) {
        pending = undefined;
        p({ value: e, done: false });
      } else items.push(e);
    },
  };
  subscribers.add(sub);
  const it: AsyncIterableIterator<FloorEvent> = {
    next() {
      if (items.length) return Promise.resolve({ value: items.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (pending = resolve));
    },
    return() {
      done = true;
      subscribers.delete(sub);
      items.length = 0;
      pending?.({ value: undefined, done: true });
      pending = undefined;
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

/** Hands one event to every subscriber of this process; returns how many. */
export function publishLocally(e: FloorEvent): number {
  for (const q of subscribers) q.push(e);
  return subscribers.size;
}

const s = (t = GraphQLString) => ({ type: new GraphQLNonNull(t) });
const Warning = new GraphQLObjectType({
  name: 'Warning',
  fields: { kind: s(), title: s(), severity: s(), subjectId: s(GraphQLID), createdAt: s() },
});
const WarningEvent = new GraphQLObjectType({ name: 'WarningEvent', fields: { cursor: s(), warning: { type: new GraphQLNonNull(Warning) } } });

export const floorSchema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean, resolve: () => true } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      warnings: { type: new GraphQLNonNull(WarningEvent), subscribe: () => stream(), resolve: (e: FloorEvent) => e },
    },
  }),
});
