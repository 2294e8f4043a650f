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
import type { TokenRecord } from "../token-records.js";
import type { SqliteConnection } from "./connection.js";

/**
 * The `tokens` table. Each method is one step of a transaction the store opens (with the audit
 * record of the act); none opens its own.
 */
export class TokenTable {
  readonly #db: SqliteConnection;
  readonly #now: () => string;

  constructor(db: SqliteConnection, now: () => string) {
    this.#db = db;
    this.#now = now;
  }

  insert(token: NewToken): TokenRecord {
    const { name, role, tenants, secretHash } = checkNewToken(token);
    if (this.#live(name) !== undefined) throw tokenExists(name);
    if (this.#db.prepare("SELECT 1 FROM tokens WHERE secret_hash = ?").get(secretHash) !== undefined) {
      throw secretInUse();
    }
    const row = this.#db
      .prepare(
        `INSERT INTO tokens (name, role, tenants, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)
         RETURNING ${COLUMNS}`,
      )
      .raw()
      .get(
        name,
        role,
        tenants === null ? null : JSON.stringify(tenants),
        secretHash,
        this.#now(),
      ) as TokenRow;
    return toTokenRecord(...row);
  }

  /** Every token, revoked ones too, in the order created. */
  list(): TokenRecord[] {
    const rows = this.#db.prepare(`SELECT ${COLUMNS} FROM tokens ORDER BY id`).raw().all() as TokenRow[];
    return rows.map((row) => toTokenRecord(...row));
  }

  revoke(name: string): TokenRecord {
    checkText(name, "name");
    const row = this.#db
      .prepare(`UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL RETURNING ${COLUMNS}`)
      .raw()
      .get(this.#now(), name) as TokenRow | undefined;
    if (row === undefined) {
      const known = this.#db.prepare("SELECT 1 FROM tokens WHERE name = ?").get(name) !== undefined;
      throw noLiveToken(name, known);
    }
    return toTokenRecord(...row);
  }

  revocations(): number {
    return this.#db
      .prepare("SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL")
      .pluck()
      .get() as number;
  }

  findLive(secretHash: string): TokenRecord | undefined {
    if (typeof secretHash !== "string") return undefined;
    const row = this.#db
      .prepare(`SELECT ${COLUMNS} FROM tokens WHERE secret_hash = ? AND revoked_at IS NULL`)
      .raw()
      .get(secretHash) as TokenRow | undefined;
    return row === undefined ? undefined : toTokenRecord(...row);
  }

  #live(name: string): TokenRow | undefined {
    return this.#db
      .prepare(`SELECT ${COLUMNS} FROM tokens WHERE name = ? AND revoked_at IS NULL`)
      .raw()
      .get(name) as TokenRow | undefined;
  }
}
