import { GatehouseError } from "../../model/errors.js";
import { type Role, type TokenRecord } from "../token-records.js";
export interface NewToken {
    readonly name: string;
    readonly role: Role;
    readonly tenants: readonly string[] | null;
    readonly secretHash: string;
}
/** Checks a token before it is stored; the service checks the name's spelling, the store its presence. */
export declare function checkNewToken(token: NewToken): NewToken;
export declare function tokenExists(name: string): GatehouseError;
export declare function secretInUse(): GatehouseError;
/** An unknown name and a revoked one are both `not_found`; the message tells them apart. */
export declare function noLiveToken(name: string, revoked: boolean): GatehouseError;
export declare function toTokenRecord(name: string, role: string, tenants: string | null, createdAt: string, revokedAt: string | null): TokenRecord;
/** The `tokens` columns every backend reads, in `TokenRow` order. */
export declare const TOKEN_COLUMNS = "name, role, tenants, created_at, revoked_at";
export type TokenRow = [
    name: string,
    role: string,
    tenants: string | null,
    createdAt: string,
    revokedAt: string | null
];
