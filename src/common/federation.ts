import { Directive } from 'type-graphql';

/**
 * Marks an object type as a federation entity with the given key (`@key`):
 * other subgraphs may reference or extend it, and the gateway fetches it by
 * that key through `_entities` (src/api/references.ts resolves each key under
 * the sharing policy). A type may carry several keys.
 */
export function Key(fields: string): ClassDecorator {
  return Directive(`@key(fields: "${fields}")`) as ClassDecorator;
}

/** A value type that other subgraphs may define too (Relay's PageInfo, say): `@shareable`. */
export const Shareable = (): ClassDecorator => Directive('@shareable') as ClassDecorator;
