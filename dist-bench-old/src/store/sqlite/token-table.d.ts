import { type NewToken } from "../common/token-checks.js";
import type { TokenRecord } from "../token-records.js";
import type { SqliteConnection } from "./connection.js";
/**
 * The `tokens` table. Each method is one step of a transaction the store opens (with the audit
 * record of the act); none opens its own.
 */
export declare class TokenTable {
    #private;
    constructor(db: SqliteConnection, now: () => string);
    insert(token: NewToken): TokenRecord;
    /** Every token, revoked ones too, in the order created. */
    list(): TokenRecord[];
    revoke(name: string): TokenRecord;
    findLive(secretHash: string): TokenRecord | undefined;
}
