import { Authorized, getMetadataStorage, type AuthChecker } from 'type-graphql';
import type { Action, Authorizer } from './authorize';
import type { RequestContext } from './context';

/** Root-field methods that declared their action, by resolver class and method. */
const declared = new Map<Function, Map<string, Action>>();

/**
 * Declares the action a root field performs (`read` for plain reads); the
 * field guard checks the action's role before the resolver runs. The one
 * way resolvers state access: the schema build fails for a root field
 * without it.
 */
export function Requires(action: Action): MethodDecorator {
  const authorized = Authorized(action);
  return (target, propertyKey, descriptor) => {
    const cls = (target as { constructor: Function }).constructor;
    const methods = declared.get(cls) ?? new Map<string, Action>();
    methods.set(String(propertyKey), action);
    declared.set(cls, methods);
    authorized(target, propertyKey, descriptor);
  };
}

/** The field guard: the principal must hold each declared action's role; a refusal is audited by the authorizer. */
export function authCheckerFor(authz: Authorizer): AuthChecker<RequestContext, Action> {
  return async ({ context }, actions) => {
    for (const action of actions) await authz.authorize(context.principal, action);
    return true;
  };
}

/**
 * The declared action of every root field of `resolvers`, keyed `Type.field`
 * (`Query.warnings` and `Subscription.warnings` are two entries). A root
 * field whose resolver method declared nothing maps to undefined.
 */
export function rootFieldActions(resolvers: readonly Function[]): Map<string, Action | undefined> {
  const storage = getMetadataStorage();
  const out = new Map<string, Action | undefined>();
  const lists = [
    ['Query', storage.queries],
    ['Mutation', storage.mutations],
    ['Subscription', storage.subscriptions],
  ] as const;
  for (const [type, list] of lists) {
    for (const m of list) {
      if (!resolvers.some((r) => r === m.target || r.prototype instanceof m.target)) continue;
      const key = `${type}.${m.schemaName}`;
      const action = declared.get(m.target)?.get(m.methodName);
      // Two methods behind one field name: the field is declared only if both are.
      out.set(key, out.has(key) && out.get(key) === undefined ? undefined : action);
    }
  }
  return out;
}
