import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { ErrorCode } from './errors';

/** DESIGN.md "Defaults that keep it safe": the same numbers over HTTP and graphql-ws. */
export const LIMITS = {
  depth: 10,
  aliases: 15,
  directives: 10,
  tokens: 2000,
  cost: 10_000,
  pageSize: 500,
  bulkItems: 5000,
  /** Cost multiplier for a connection whose `first` is a variable or absent (the default page size). */
  defaultListSize: 50,
} as const;

const tooComplex = (message: string) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } });

type Fragments = Record<string, FragmentDefinitionNode>;

function fragmentsOf(ctx: ValidationContext): Fragments {
  const out: Fragments = {};
  for (const def of ctx.getDocument().definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) out[def.name.value] = def;
  }
  return out;
}

/** Walks a selection set with fragments inlined; `seen` stops fragment cycles (reported elsewhere by graphql itself). */
function measure(
  set: SelectionSetNode,
  frags: Fragments,
  seen: Set<string>,
): { depth: number; cost: number } {
  let depth = 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const child = sel.selectionSet ? measure(sel.selectionSet, frags, seen) : { depth: 0, cost: 0 };
      depth = Math.max(depth, 1 + child.depth);
      cost += 1 + child.cost * listMultiplier(sel.arguments ?? [], sel.selectionSet);
    } else {
      let inner: SelectionSetNode | undefined;
      if (sel.kind === Kind.INLINE_FRAGMENT) inner = sel.selectionSet;
      else if (!seen.has(sel.name.value) && frags[sel.name.value]) {
        seen.add(sel.name.value);
        inner = frags[sel.name.value].selectionSet;
      }
      if (inner) {
        const m = measure(inner, frags, new Set(seen));
        depth = Math.max(depth, m.depth);
        cost += m.cost;
      }
    }
  }
  return { depth, cost };
}

/** A connection (a selection with `edges`) without `first` returns the default page: count it as such. */
function listMultiplier(args: readonly { name: { value: string }; value: { kind: Kind } }[], set?: SelectionSetNode): number {
  const first = args.find((a) => a.name.value === 'first');
  if (!first) {
    const isConnection = set?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges');
    return isConnection ? LIMITS.defaultListSize : 1;
  }
  if (first.value.kind === Kind.INT) {
    const n = Number((first.value as unknown as { value: string }).value);
    return Math.max(1, Math.min(n, LIMITS.pageSize));
  }
  return LIMITS.defaultListSize;
}

/** Depth and cost per operation, fragments included. */
export const depthAndCostRule: ValidationRule = (ctx) => {
  const frags = fragmentsOf(ctx);
  return {
    OperationDefinition(op) {
      const { depth, cost } = measure(op.selectionSet, frags, new Set());
      if (depth > LIMITS.depth) ctx.reportError(tooComplex(`query depth ${depth} exceeds the limit of ${LIMITS.depth}`));
      if (cost > LIMITS.cost) ctx.reportError(tooComplex(`query cost ${cost} exceeds the limit of ${LIMITS.cost}`));
    },
  };
};

/** Aliases across the whole document; `__typename` counts like any field. */
export const aliasRule: ValidationRule = (ctx) => {
  let aliases = 0;
  return {
    Field(node) {
      if (node.alias) aliases++;
    },
    Document: {
      leave() {
        if (aliases > LIMITS.aliases) ctx.reportError(tooComplex(`${aliases} aliases exceed the limit of ${LIMITS.aliases}`));
      },
    },
  } as ASTVisitor;
};

export const directiveRule: ValidationRule = (ctx) => {
  let directives = 0;
  return {
    Directive() {
      directives++;
    },
    Document: {
      leave() {
        if (directives > LIMITS.directives) {
          ctx.reportError(tooComplex(`${directives} directives exceed the limit of ${LIMITS.directives}`));
        }
      },
    },
  } as ASTVisitor;
};

export const LIMIT_RULES: ValidationRule[] = [depthAndCostRule, aliasRule, directiveRule];
