import { createHash } from 'node:crypto';
import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { sharingKey } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { isFailableStream } from '../common/streams';
import { closeFor } from './close-codes';
import type { Context, Loaders } from './context';

/** Recent results kept for reuse; a few per warning per sharing position and query. */
const MAX_ENTRIES = 20_000;

/**
 * Subscription execution that computes each event's result once per
 * (query, variables, sharing position, roles) instead of once per
 * subscriber. What a subscriber may see of a warning depends only on the
 * sharing policy's inputs (`sharingKey`) and, through role checks, on its
 * roles — never on who the subject is — so subscribers that share those
 * share the result. With thousands of portals per organisation this turns
 * thousands of executions per warning into a handful.
 */
export class SharedSubscriptionResults {
  private readonly results = new Map<string, Promise<ExecutionResult>>();

  constructor(private readonly loadersFor: (p: Principal) => Loaders) {}

  async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream; // errors before the stream began
    const ctx = args.contextValue as Context;
    // A stream that fails on its own (a slow consumer) ends its connection with the matching code.
    if (isFailableStream(stream)) {
      stream.onFailure((err) => {
        const { code, reason } = closeFor(err);
        ctx.connection?.close(code, reason);
      });
    }
    const source = stream[Symbol.asyncIterator]() as AsyncIterableIterator<unknown>;
    const p = ctx.principal;
    const operation = JSON.stringify([print(args.document), args.variableValues ?? null, args.operationName ?? null]);
    // Everything a result may depend on besides the event; hashed to keep the cache's keys short. The
    // websocket re-check replaces a principal's group arrays when its memberships change: then rehash.
    let basis: readonly unknown[] = [];
    let group = '';
    const groupNow = () => {
      if (basis[0] !== p.groupsSelf || basis[1] !== p.groupsLineage) {
        basis = [p.groupsSelf, p.groupsLineage];
        group = createHash('sha256').update(operation).update(JSON.stringify([sharingKey(p), [...p.roles].sort()])).digest('base64url');
      }
      return group;
    };
    return mapIterator(source, (event) => this.resultFor(groupNow(), event, args, ctx));
  }

  private resultFor(group: string, event: unknown, args: ExecutionArgs, ctx: Context): Promise<ExecutionResult> {
    // Fresh loaders for each execution: nothing cached outlives the event it was loaded for.
    const run = () => Promise.resolve(execute({ ...args, rootValue: event, contextValue: { ...ctx, loaders: this.loadersFor(ctx.principal) } }));
    const cursor = (event as { cursor?: unknown } | null)?.cursor;
    // Events without a cursor are not warnings: never shared.
    if (typeof cursor !== 'string') return run();
    const key = `${group}\u0000${cursor}`;
    let r = this.results.get(key);
    if (!r) {
      r = run();
      this.results.set(key, r);
      if (this.results.size > MAX_ENTRIES) this.results.delete(this.results.keys().next().value!);
    }
    return r;
  }
}

/** Maps a source stream, forwarding return() so the source ends when the client does. */
function mapIterator<T, U>(source: AsyncIterableIterator<T>, fn: (v: T) => Promise<U>): AsyncIterableIterator<U> {
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      const r = await source.next();
      return r.done ? { value: undefined, done: true } : { value: await fn(r.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
  };
}
