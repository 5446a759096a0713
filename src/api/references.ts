import type DataLoader from 'dataloader';
import { badInput } from '../common/errors';
import { checkId } from '../common/ids';
import { lookupKey } from '../common/validate';
import { ObservableService } from '../intel/observable.service';
import type { Context } from './context';

/** A representation as a gateway sends it: `__typename` and the fields of one `@key`. */
export type Representation = Record<string, unknown>;

/** The key field `name` of a representation, as a string: anything else is bad input naming the field. */
function keyField(ref: Representation, name: string): string {
  const v = ref[name];
  if (typeof v !== 'string') throw badInput(name, 'is required in the representation, as a string');
  return v;
}

type Reference = (ref: Representation, ctx: Context) => Promise<unknown>;

/** By id: a malformed id is bad input, as in `indicator(id)`; an unknown or hidden one is null. */
function byId(loader: (ctx: Context) => DataLoader<string, unknown>): Reference {
  return async (ref, ctx) => (await loader(ctx).load(checkId(keyField(ref, 'id')))) ?? null;
}

/**
 * How `_entities` resolves each entity type's representations: through the
 * request's batch loaders, which read under the sharing policy like every
 * other read (one query per type and key, per batch). A row the caller may
 * not read loads as missing, so it resolves to null exactly like an id that
 * does not exist. The schema build fails when an entity type has no entry
 * here, and when an entry names no entity type.
 */
export const REFERENCE_RESOLVERS: Record<string, Reference> = {
  async Organization(ref, ctx) {
    return (await ctx.loaders.organizationByCode.load(lookupKey('code', keyField(ref, 'code')).toUpperCase())) ?? null;
  },
  async Observable(ref, ctx) {
    if ('id' in ref) return byId((c) => c.loaders.observableById)(ref, ctx);
    return (await ctx.loaders.observableByKey.load(ObservableService.key(ref.type, ref.value))) ?? null;
  },
  Indicator: byId((ctx) => ctx.loaders.indicatorById),
  Sighting: byId((ctx) => ctx.loaders.sightingById),
  Incident: byId((ctx) => ctx.loaders.incidentById),
  Advisory: byId((ctx) => ctx.loaders.advisoryById),
  Warning: byId((ctx) => ctx.loaders.warningById),
};
