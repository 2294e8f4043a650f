import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { ROLES } from "../token-records.js";
import { checkText } from "./input-checks.js";
/** Checks a token before it is stored; the service checks the name's spelling, the store its presence. */
export function checkNewToken(token) {
    checkText(token.name, "name");
    if (!ROLES.includes(token.role)) {
        throw inputError(`unknown role \`${String(token.role)}\`: expected one of ${ROLES.map((r) => `\`${r}\``).join(", ")}`, { field: "role" });
    }
    const { tenants } = token;
    if (tenants !== null) {
        // An empty list would make a token that may act nowhere: almost surely a caller's mistake.
        if (!Array.isArray(tenants) || tenants.length === 0) {
            throw inputError("invalid tenants: expected a list of tenants, or null for every tenant", {
                field: "tenants",
            });
        }
        tenants.forEach((tenant, i) => {
            checkTenant(tenant, { field: `tenants[${i}]` });
        });
    }
    checkText(token.secretHash, "secretHash");
    return token;
}
export function tokenExists(name) {
    return new GatehouseError("conflict", `token \`${name}\` already exists`, { field: "name" });
}
export function secretInUse() {
    return new GatehouseError("conflict", "another token has the same secret", { field: "secretHash" });
}
/** An unknown name and a revoked one are both `not_found`; the message tells them apart. */
export function noLiveToken(name, revoked) {
    return new GatehouseError("not_found", revoked ? `token \`${name}\` is already revoked` : `token \`${name}\` does not exist`, { field: "name" });
}
export function toTokenRecord(name, role, tenants, createdAt, revokedAt) {
    return {
        name,
        role: role,
        tenants: tenants === null ? null : JSON.parse(tenants),
        createdAt,
        revokedAt,
    };
}
/** The `tokens` columns every backend reads, in `TokenRow` order. */
export const TOKEN_COLUMNS = "name, role, tenants, created_at, revoked_at";
//# sourceMappingURL=token-checks.js.map