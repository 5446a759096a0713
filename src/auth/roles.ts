import { Authorized, type AuthChecker } from 'type-graphql';
import { Role } from '../common/enums';
import { forbidden } from '../common/errors';
import type { Context } from '../context';
import { hasRole } from './principal';

/** Root fields that declared their roles, by field name; schema.ts refuses to build without one for every root field. */
export const declaredRootFields = new Map<string, Role>();

/**
 * Declares the least role a root field needs (roles are cumulative).
 * The one way resolvers state access; the method name must be the field name.
 */
export function Requires(role: Role): MethodDecorator {
  const authorized = Authorized(role);
  return (target, propertyKey, descriptor) => {
    declaredRootFields.set(String(propertyKey), role);
    authorized(target, propertyKey, descriptor);
  };
}

/** The one auth checker: the principal must hold the declared role; a refusal is audited as DENIED. */
export const authChecker: AuthChecker<Context, Role> = async ({ context, info }, roles) => {
  const p = context.principal;
  if (roles.length === 0 || roles.some((r) => hasRole(p, r))) return true;
  const field = `${info.parentType.name}.${info.fieldName}`;
  return context.services.audit.guard(p, { action: field, detail: { requires: roles } }, async () => {
    throw forbidden(`requires role ${roles.join(' or ')}`);
  });
};
