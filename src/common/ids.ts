import { badInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** IDs are UUIDs; anything else is bad input rather than a database error. */
export function checkId(id: string, field = 'id'): string {
  if (!UUID.test(id)) throw badInput(field, 'must be an ID returned by this API');
  return id.toLowerCase();
}
