import { checkText } from "../common/input-checks.js";
import {
  TOKEN_COLUMNS as COLUMNS,
  checkNewToken,
  type NewToken,
  noLiveToken,
  secretInUse,
  type TokenRow,
  tokenExists,
  toTokenRecord,
} from "../common/token-checks.js";
import type { Sql } from "../sql/sql.js";
import type { TokenRecord } from "../token-records.js";

/**
 * The `tokens` table, with SQLite's checks and messages. Tokens are only written with their
 * audit record, under the audit lock, so "is the name live?" still holds at the insert.
 */
export class TokenTable {
  readonly #now: () => string;

  constructor(now: () => string) {
    this.#now = now;
  }

  async insert(sql: Sql, token: NewToken): Promise<TokenRecord> {
    const { name, role, tenants, secretHash } = checkNewToken(token);
    const [live] = await sql.rows("SELECT 1 FROM tokens WHERE name = $1 AND revoked_at IS NULL", [name]);
    if (live !== undefined) throw tokenExists(name);
    const [used] = await sql.rows("SELECT 1 FROM tokens WHERE secret_hash = $1", [secretHash]);
    if (used !== undefined) throw secretInUse();
    const [row] = await sql.rows<TokenRow>(
      `INSERT INTO tokens (name, role, tenants, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [name, role, tenants === null ? null : JSON.stringify(tenants), secretHash, this.#now()],
    );
    return toTokenRecord(...row!);
  }

  /** Every token, revoked ones too, in the order created. */
  async list(sql: Sql): Promise<TokenRecord[]> {
    const rows = await sql.rows<TokenRow>(`SELECT ${COLUMNS} FROM tokens ORDER BY id`);
    return rows.map((row) => toTokenRecord(...row));
  }

  async revoke(sql: Sql, name: string): Promise<TokenRecord> {
    checkText(name, "name");
    const [row] = await sql.rows<TokenRow>(
      `UPDATE tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [this.#now(), name],
    );
    if (row === undefined) {
      const [known] = await sql.rows("SELECT 1 FROM tokens WHERE name = $1", [name]);
      throw noLiveToken(name, known !== undefined);
    }
    return toTokenRecord(...row);
  }

  async revocations(sql: Sql): Promise<number> {
    const [row] = await sql.rows<[number]>("SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL");
    return row![0];
  }

  async findLive(sql: Sql, secretHash: string): Promise<TokenRecord | undefined> {
    if (typeof secretHash !== "string") return undefined;
    const [row] = await sql.rows<TokenRow>(
      `SELECT ${COLUMNS} FROM tokens WHERE secret_hash = $1 AND revoked_at IS NULL`,
      [secretHash],
    );
    return row === undefined ? undefined : toTokenRecord(...row);
  }
}
