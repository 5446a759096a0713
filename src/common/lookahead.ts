import { getArgumentValues, getNamedType, isObjectType, Kind, type GraphQLResolveInfo } from 'graphql';

/**
 * The arguments, variables applied, of the field `name` when the query selects it directly under the field being
 * resolved; undefined when it does not (or only inside a fragment). Lets a resolver read a nested list's first page
 * in its own statement; the nested resolver still answers any other shape itself.
 */
export function selectedFieldArgs(info: GraphQLResolveInfo, name: string): Record<string, unknown> | undefined {
  const type = getNamedType(info.returnType);
  const def = isObjectType(type) ? type.getFields()[name] : undefined;
  if (!def) return undefined;
  for (const node of info.fieldNodes) {
    for (const sel of node.selectionSet?.selections ?? []) {
      if (sel.kind !== Kind.FIELD || sel.name.value !== name) continue;
      try {
        return getArgumentValues(def, sel, info.variableValues);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
