import type { GuardsVersion } from "../change-records.js";
import type { Sql } from "./connection.js";
/**
 * The guards file, every version kept: 1, 2, 3 ... in the order written. Written only with its
 * audit record, under the audit lock, so max + 1 cannot race.
 */
export declare class GuardsVersions {
    #private;
    constructor(now: () => string);
    insert(sql: Sql, text: string, author: string): Promise<GuardsVersion>;
    latest(sql: Sql): Promise<GuardsVersion | undefined>;
}
