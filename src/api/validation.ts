import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { ErrorCode } from '../common/errors';
import { LIMITS } from '../common/limits';

const tooComplex = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } } });

type Fragments = Record<string, FragmentDefinitionNode>;
type Variables = Readonly<Record<string, unknown>> | null | undefined;

function fragmentsOf(doc: DocumentNode): Fragments {
  const out: Fragments = {};
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) out[def.name.value] = def;
  return out;
}

/** How big lists are: a connection's page, and the types of an `_entities` call's representations (undefined: unknown). */
interface Sizer {
  page(first: ValueNode | undefined, set?: SelectionSetNode): number;
  representations(field: FieldNode): (string | undefined)[] | undefined;
}

/**
 * Depth and cost of a selection set, fragments inlined; `seen` stops fragment
 * cycles (graphql itself reports them). A list field multiplies the cost of
 * what it selects by its page size. With `only`, fragments on another entity
 * type are left out (what one `_entities` representation of that type costs).
 */
function measure(set: SelectionSetNode, frags: Fragments, seen: Set<string>, size: Sizer, only?: string) {
  let depth = 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const child = sel.selectionSet ? measure(sel.selectionSet, frags, seen, size) : { depth: 0, cost: 0 };
      depth = Math.max(depth, 1 + child.depth);
      if (sel.name.value === ENTITIES && sel.selectionSet) {
        cost += entitiesCost(sel.selectionSet, frags, seen, size, size.representations(sel));
        continue;
      }
      const first = sel.arguments?.find((a) => a.name.value === 'first')?.value;
      cost += 1 + child.cost * size.page(first, sel.selectionSet);
    } else {
      let inner: SelectionSetNode | undefined;
      const on = sel.kind === Kind.INLINE_FRAGMENT ? sel.typeCondition?.name.value : frags[sel.name.value]?.typeCondition.name.value;
      if (only && on && on !== only && on !== ENTITY_UNION) continue;
      if (sel.kind === Kind.INLINE_FRAGMENT) inner = sel.selectionSet;
      else if (!seen.has(sel.name.value) && frags[sel.name.value]) {
        seen.add(sel.name.value);
        inner = frags[sel.name.value].selectionSet;
      }
      if (inner) {
        const m = measure(inner, frags, new Set(seen), size);
        depth = Math.max(depth, m.depth);
        cost += m.cost;
      }
    }
  }
  return { depth, cost };
}

const ENTITIES = '_entities';
const ENTITY_UNION = '_Entity';

/**
 * What a federation `_entities` call costs: 1, plus for each representation
 * (at most LIMITS.entities count: more are refused as bad input) what the
 * selection costs for that representation's type, so that a gateway asking
 * for several types in one fetch pays for each entity once, not for every
 * type's fragment. Unknown types count at the dearest type selected.
 */
function entitiesCost(set: SelectionSetNode, frags: Fragments, seen: Set<string>, size: Sizer, types: (string | undefined)[] | undefined): number {
  const perType = new Map<string, number>();
  const costOf = (t: string) => {
    if (!perType.has(t)) perType.set(t, measure(set, frags, new Set(seen), size, t).cost);
    return perType.get(t)!;
  };
  const conditions = set.selections.flatMap((s) =>
    s.kind === Kind.INLINE_FRAGMENT ? [s.typeCondition?.name.value] : s.kind === Kind.FRAGMENT_SPREAD ? [frags[s.name.value]?.typeCondition.name.value] : [],
  );
  const dearest = () => Math.max(costOf(ENTITY_UNION), ...conditions.filter((t): t is string => !!t).map(costOf));
  if (!types) return 1 + LIMITS.entities * dearest();
  return 1 + types.slice(0, LIMITS.entities).reduce((sum, t) => sum + (t ? costOf(t) : dearest()), 0);
}

/** The `__typename` of each representation passed to `_entities`, from the variable sent or the literal list. */
function representationTypes(field: FieldNode, variables: Variables): (string | undefined)[] | undefined {
  const arg = field.arguments?.find((a) => a.name.value === 'representations')?.value;
  const typeOf = (r: unknown) => {
    const t = (r as { __typename?: unknown } | null)?.__typename;
    return typeof t === 'string' ? t : undefined;
  };
  if (arg?.kind === Kind.VARIABLE) {
    const value = variables?.[arg.name.value];
    return Array.isArray(value) ? value.map(typeOf) : undefined;
  }
  if (arg?.kind === Kind.LIST) {
    return arg.values.map((v) => {
      const t = v.kind === Kind.OBJECT ? v.fields.find((f) => f.name.value === '__typename')?.value : undefined;
      return t?.kind === Kind.STRING ? t.value : undefined;
    });
  }
  return undefined;
}

/**
 * Sizes for the cost check. The page size a field's `first` stands for: a
 * literal at its value, a variable at the value sent (or its default), and
 * where neither is known at the largest page; a connection without `first`
 * returns the default page. `_entities` representations as sent.
 */
function sizer(op: OperationDefinitionNode, variables: Variables): Sizer {
  const defaults = new Map(op.variableDefinitions?.map((d) => [d.variable.name.value, d.defaultValue]) ?? []);
  const clamp = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) ? Math.max(1, Math.min(n, LIMITS.pageSize)) : LIMITS.pageSize);
  const literal = (v: ValueNode | undefined): unknown => (v?.kind === Kind.INT ? Number(v.value) : undefined);
  return {
    page(first, set) {
      if (!first) {
        const isConnection = set?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges');
        return isConnection ? LIMITS.defaultPageSize : 1;
      }
      if (first.kind === Kind.VARIABLE) {
        const name = first.name.value;
        if (variables && variables[name] !== undefined && variables[name] !== null) return clamp(variables[name]);
        return clamp(literal(defaults.get(name)));
      }
      return clamp(literal(first));
    },
    representations: (field) => representationTypes(field, variables),
  };
}

/** The operation `operationName` selects (or the only one). */
function operationOf(doc: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
}

/**
 * The cost check, run once the variables are known (before execution, on
 * every transport): a `first` passed as a variable counts at its value.
 */
export function costErrors(doc: DocumentNode, operationName: string | null | undefined, variables: Variables): GraphQLError[] {
  const op = operationOf(doc, operationName);
  if (!op) return [];
  const { cost } = measure(op.selectionSet, fragmentsOf(doc), new Set(), sizer(op, variables));
  return cost > LIMITS.cost ? [tooComplex(`query cost ${cost} exceeds the limit of ${LIMITS.cost}`)] : [];
}

/** Sizes for the depth check, which does not depend on them. */
const UNIT: Sizer = { page: () => 1, representations: () => [] };

/** Depth per operation, fragments included. */
const depthRule: ValidationRule = (ctx) => {
  const frags = fragmentsOf(ctx.getDocument());
  return {
    OperationDefinition(op) {
      const { depth } = measure(op.selectionSet, frags, new Set(), UNIT);
      if (depth > LIMITS.depth) ctx.reportError(tooComplex(`query depth ${depth} exceeds the limit of ${LIMITS.depth}`));
    },
  };
};

/** Counts nodes of one kind across the document and reports once past `max`; `__typename` counts like any field. */
function countingRule(count: (visit: () => void) => ASTVisitor, max: number, what: string): ValidationRule {
  return (ctx: ValidationContext) => {
    let n = 0;
    return {
      ...count(() => n++),
      Document: {
        leave() {
          if (n > max) ctx.reportError(tooComplex(`${n} ${what} exceed the limit of ${max}`));
        },
      },
    } as ASTVisitor;
  };
}

const aliasRule = countingRule((inc) => ({ Field: (node) => void (node.alias && inc()) }), LIMITS.aliases, 'aliases');
const directiveRule = countingRule((inc) => ({ Directive: () => void inc() }), LIMITS.directives, 'directives');

/** The limit rules that depend on the document alone; Apollo adds graphql's own rules itself. */
export const LIMIT_RULES: ValidationRule[] = [depthRule, aliasRule, directiveRule];

/** Every validation rule, for transports that validate themselves (graphql-ws). */
export function allRules(isDev: boolean): ValidationRule[] {
  return [...specifiedRules, ...LIMIT_RULES, ...(isDev ? [] : [NoSchemaIntrospectionCustomRule])];
}
