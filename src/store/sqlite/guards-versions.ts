import { inputError } from "../../model/errors.js";
import type { GuardsVersion } from "../change-records.js";
import { checkText } from "../common/input-checks.js";
import type { SqliteConnection } from "./connection.js";

type GuardsRow = [version: number, text: string, author: string, createdAt: string];

const COLUMNS = "version, text, author, created_at";

/** The guards file, every version kept: 1, 2, 3 ... in the order written. */
export class GuardsVersions {
  readonly #db: SqliteConnection;
  readonly #now: () => string;

  constructor(db: SqliteConnection, now: () => string) {
    this.#db = db;
    this.#now = now;
  }

  insert(text: string, author: string): GuardsVersion {
    if (typeof text !== "string") throw inputError("the guards must be text", { field: "guards" });
    checkText(author, "author");
    const row = this.#db
      .prepare(
        `INSERT INTO guards_versions (${COLUMNS})
         SELECT coalesce(max(version), 0) + 1, ?, ?, ? FROM guards_versions
         RETURNING ${COLUMNS}`,
      )
      .raw()
      .get(text, author, this.#now()) as GuardsRow;
    return toGuardsVersion(row);
  }

  latest(): GuardsVersion | undefined {
    const row = this.#db
      .prepare(`SELECT ${COLUMNS} FROM guards_versions ORDER BY version DESC LIMIT 1`)
      .raw()
      .get() as GuardsRow | undefined;
    return row === undefined ? undefined : toGuardsVersion(row);
  }
}

function toGuardsVersion([version, text, author, createdAt]: GuardsRow): GuardsVersion {
  return { version, text, author, createdAt };
}
