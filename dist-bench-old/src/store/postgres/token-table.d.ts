import { type NewToken } from "../common/token-checks.js";
import type { TokenRecord } from "../token-records.js";
import type { Sql } from "./connection.js";
/**
 * The `tokens` table, with SQLite's checks and messages. Tokens are only written with their
 * audit record, under the audit lock, so "is the name live?" still holds at the insert.
 */
export declare class TokenTable {
    #private;
    constructor(now: () => string);
    insert(sql: Sql, token: NewToken): Promise<TokenRecord>;
    /** Every token, revoked ones too, in the order created. */
    list(sql: Sql): Promise<TokenRecord[]>;
    revoke(sql: Sql, name: string): Promise<TokenRecord>;
    findLive(sql: Sql, secretHash: string): Promise<TokenRecord | undefined>;
}
