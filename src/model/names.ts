import { inputError, type Place } from "./errors.js";

/**
 * Name rules follow SpiceDB's so that schemas and data move between the two unchanged:
 * type and relation names are lowercase, 3 to 64 characters, and a type may carry
 * prefixes (`test/user`); object ids allow letters, digits and `/_|-=+` (or `*` for a wildcard).
 */
const NAME = "[a-z][a-z0-9_]{1,62}[a-z0-9]";
export const TYPE_NAME = new RegExp(`^(?:[a-z][a-z0-9_]{1,61}[a-z0-9]/)*${NAME}$`);
export const RELATION_NAME = new RegExp(`^${NAME}$`);
export const OBJECT_ID = /^[a-zA-Z0-9/_|\-=+]{1,1024}$/;
/** Tenants name customers in URLs, file names and logs: keep them plain. */
export const TENANT_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;

export const DEFAULT_TENANT = "default";

/** Without a place, the name is the request's `tenant` (a URL's, a body's or `--tenant`). */
export function checkTenant(tenant: string, place: Place = { field: "tenant" }): string {
  if (!TENANT_NAME.test(tenant)) {
    throw inputError(
      `invalid tenant name \`${tenant}\`: expected 1 to 64 lowercase letters, digits, \`-\` or \`_\`, starting and ending with a letter or digit`,
      place,
    );
  }
  return tenant;
}
