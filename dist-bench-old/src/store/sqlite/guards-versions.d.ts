import type { GuardsVersion } from "../change-records.js";
import type { SqliteConnection } from "./connection.js";
/** The guards file, every version kept: 1, 2, 3 ... in the order written. */
export declare class GuardsVersions {
    #private;
    constructor(db: SqliteConnection, now: () => string);
    insert(text: string, author: string): GuardsVersion;
    latest(): GuardsVersion | undefined;
}
