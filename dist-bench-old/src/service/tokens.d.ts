import type { Store } from "../store/store.js";
import { type Role, type TokenRecord } from "../store/token-records.js";
export declare function hashSecret(secret: string): string;
/** Roles include every role before them: an `approve` token may also propose, write and check. */
export declare function roleAllows(role: Role, needed: Role): boolean;
export declare function parseRole(text: string): Role;
/** Creates a token; the secret is returned once and only its hash is stored. */
export declare function createToken(store: Store, input: {
    name: string;
    role: Role;
    tenants: readonly string[] | null;
    actor: string;
}): Promise<{
    token: TokenRecord;
    secret: string;
}>;
