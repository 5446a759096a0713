import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type ASTVisitor,
  type DocumentNode,
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

/**
 * Depth and cost of a selection set, fragments inlined; `seen` stops fragment
 * cycles (graphql itself reports them). A list field multiplies the cost of
 * what it selects by its page size.
 */
function measure(set: SelectionSetNode, frags: Fragments, seen: Set<string>, pageOf: (first: ValueNode | undefined, set?: SelectionSetNode) => number) {
  let depth = 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const child = sel.selectionSet ? measure(sel.selectionSet, frags, seen, pageOf) : { depth: 0, cost: 0 };
      depth = Math.max(depth, 1 + child.depth);
      const first = sel.arguments?.find((a) => a.name.value === 'first')?.value;
      cost += 1 + child.cost * pageOf(first, sel.selectionSet);
    } else {
      let inner: SelectionSetNode | undefined;
      if (sel.kind === Kind.INLINE_FRAGMENT) inner = sel.selectionSet;
      else if (!seen.has(sel.name.value) && frags[sel.name.value]) {
        seen.add(sel.name.value);
        inner = frags[sel.name.value].selectionSet;
      }
      if (inner) {
        const m = measure(inner, frags, new Set(seen), pageOf);
        depth = Math.max(depth, m.depth);
        cost += m.cost;
      }
    }
  }
  return { depth, cost };
}

/**
 * The page size a field's `first` stands for: a literal at its value, a
 * variable at the value sent (or its default), and where neither is known at
 * the largest page. A connection without `first` returns the default page.
 */
function pageSizer(op: OperationDefinitionNode, variables: Variables) {
  const defaults = new Map(op.variableDefinitions?.map((d) => [d.variable.name.value, d.defaultValue]) ?? []);
  const clamp = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) ? Math.max(1, Math.min(n, LIMITS.pageSize)) : LIMITS.pageSize);
  const literal = (v: ValueNode | undefined): unknown => (v?.kind === Kind.INT ? Number(v.value) : undefined);
  return (first: ValueNode | undefined, set?: SelectionSetNode): number => {
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
  const { cost } = measure(op.selectionSet, fragmentsOf(doc), new Set(), pageSizer(op, variables));
  return cost > LIMITS.cost ? [tooComplex(`query cost ${cost} exceeds the limit of ${LIMITS.cost}`)] : [];
}

/** Depth per operation, fragments included. */
const depthRule: ValidationRule = (ctx) => {
  const frags = fragmentsOf(ctx.getDocument());
  return {
    OperationDefinition(op) {
      const { depth } = measure(op.selectionSet, frags, new Set(), () => 1);
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
