import { createHash, randomBytes } from "node:crypto";
import { GatehouseError } from "../model/errors.js";
import { checkTenant } from "../model/names.js";
import { ROLES } from "../store/token-records.js";
/** Token names are principals: they appear as authors and approvers, so keep them plain. */
const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Secrets carry a recognisable prefix so that a leaked one is easy to spot and scan for. */
const SECRET_PREFIX = "gh_";
export function hashSecret(secret) {
    return createHash("sha256").update(secret).digest("hex");
}
/** Roles include every role before them: an `approve` token may also propose, write and check. */
export function roleAllows(role, needed) {
    return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
export function parseRole(text) {
    if (!ROLES.includes(text)) {
        throw new GatehouseError("input", `unknown role \`${text}\`: expected one of ${ROLES.map((r) => `\`${r}\``).join(", ")}`, { field: "role" });
    }
    return text;
}
/** Creates a token; the secret is returned once and only its hash is stored. */
export async function createToken(store, input) {
    if (!TOKEN_NAME.test(input.name)) {
        throw new GatehouseError("input", `invalid token name \`${input.name}\`: expected lowercase letters, digits, \`.\`, \`_\` or \`-\`, at most 63`, { field: "name" });
    }
    const tenants = input.tenants?.map((t) => checkTenant(t, { field: "tenants" })) ?? null;
    const secret = `${SECRET_PREFIX}${randomBytes(24).toString("base64url")}`;
    const token = await store.createToken({ name: input.name, role: input.role, tenants, secretHash: hashSecret(secret) }, {
        actor: input.actor,
        action: "token.create",
        tenant: null,
        target: `token:${input.name}`,
        reason: null,
        details: { role: input.role, tenants },
    });
    return { token, secret };
}
//# sourceMappingURL=tokens.js.map