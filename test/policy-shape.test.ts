import { describe, expect, it } from 'vitest';
import { advisoryVisibleTo, policyShape, visibleTo } from '../src/auth/policy';
import type { Principal } from '../src/auth/principal';
import { OrgKind, Role } from '../src/common/enums';

// Hot reads prepare their statement once per policyShape (src/db/prepared.ts): two principals of one shape must get
// the same SQL text, or a cached statement would apply one principal's rule to another.

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
function principal(n: number, o: { coordinator?: boolean; descendants?: number; groups?: number; lineageGroups?: number; ancestors?: number }): Principal {
  const lineage = [id(n), ...Array.from({ length: o.ancestors ?? 0 }, (_, k) => id(1000 + n * 10 + k))];
  const groupsSelf = Array.from({ length: o.groups ?? 0 }, (_, k) => id(2000 + n * 10 + k));
  return {
    orgId: id(n), orgCode: `ORG${n}`, orgKind: o.coordinator ? OrgKind.COORDINATOR : OrgKind.AGENCY, isCoordinator: !!o.coordinator,
    sub: 'someone', roles: [Role.VIEWER], jti: `j${n}`, kid: 'k', expiresAt: new Date(0), lineage,
    descendants: Array.from({ length: o.descendants ?? 0 }, (_, k) => id(3000 + n * 10 + k)),
    groupsSelf,
    groupsLineage: [...groupsSelf, ...Array.from({ length: o.lineageGroups ?? 0 }, (_, k) => id(4000 + n * 10 + k))],
  };
}

const variants = [
  {},
  { coordinator: true },
  { descendants: 2 },
  { groups: 1 },
  { lineageGroups: 2 },
  { descendants: 1, groups: 2, ancestors: 2 },
  { coordinator: true, descendants: 3, groups: 1, lineageGroups: 1 },
];

describe('policyShape', () => {
  it('principals of one shape get the same SQL text, whatever their ids and list lengths', () => {
    const byShape = new Map<string, string>();
    for (const [n, v] of variants.entries()) {
      for (const scale of [1, 3]) {
        const scaled = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'number' ? x * scale : x]));
        const p = principal(n * 10 + scale, scaled);
        const text = visibleTo(p, 't').sql + advisoryVisibleTo(p, 'a').sql;
        const seen = byShape.get(policyShape(p));
        if (seen !== undefined) expect(text).toBe(seen);
        byShape.set(policyShape(p), text);
      }
    }
    // And principals of different shapes get different text: the key is not coarser than it need be.
    expect(new Set(byShape.values()).size).toBe(byShape.size);
  });
});
