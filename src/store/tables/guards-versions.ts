import { inputError } from "../../model/errors.js";
import type { GuardsVersion } from "../change-records.js";
import { checkText } from "../common/input-checks.js";
import type { Sql } from "../sql/sql.js";

type GuardsRow = [version: number, text: string, author: string, createdAt: string];

const COLUMNS = "version, text, author, created_at";

/**
 * The guards file, every version kept: 1, 2, 3 ... in the order written. Written only with its
 * audit record, under the audit lock, so max + 1 cannot race.
 */
export class GuardsVersions {
  readonly #now: () => string;

  constructor(now: () => string) {
    this.#now = now;
  }

  async insert(sql: Sql, text: string, author: string): Promise<GuardsVersion> {
    if (typeof text !== "string") throw inputError("the guards must be text", { field: "guards" });
    checkText(author, "author");
    const [row] = await sql.rows<GuardsRow>(
      `INSERT INTO guards_versions (${COLUMNS})
       SELECT coalesce(max(version), 0) + 1, $1, $2, $3 FROM guards_versions
       RETURNING ${COLUMNS}`,
      [text, author, this.#now()],
    );
    return toGuardsVersion(row!);
  }

  async latest(sql: Sql): Promise<GuardsVersion | undefined> {
    const [row] = await sql.rows<GuardsRow>(
      `SELECT ${COLUMNS} FROM guards_versions ORDER BY version DESC LIMIT 1`,
    );
    return row === undefined ? undefined : toGuardsVersion(row);
  }
}

function toGuardsVersion([version, text, author, createdAt]: GuardsRow): GuardsVersion {
  return { version, text, author, createdAt };
}
