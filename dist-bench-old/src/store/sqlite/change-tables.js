import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { checkIntent, checkState } from "../common/change-checks.js";
import { appliedFromJson, appliedToJson, specFromJson, specToJson } from "../common/change-json.js";
import { checkId, checkLimit, checkText, jsonText } from "../common/input-checks.js";
const COLUMNS = "id, tenant, intent, reason, author, state, spec, created_at, plan, base_revision, " +
    "applied_revision, applied, revert_of, reverted_by";
/**
 * The `changes` and `approvals` tables. Each method is one step of a transaction the store
 * opens; none opens its own. Unknown change ids are `not_found`.
 */
export class ChangeTables {
    #db;
    #revisions;
    #now;
    constructor(db, revisions, now) {
        this.#db = db;
        this.#revisions = revisions;
        this.#now = now;
    }
    /** Stores a new change as `proposed`; returns its id. */
    insert(change) {
        checkTenant(change.tenant, { field: "tenant" });
        checkIntent(change.intent);
        if (typeof change.reason !== "string")
            throw inputError("invalid reason: expected text", { field: "reason" });
        checkText(change.author, "author");
        const spec = specToJson(change.spec);
        const revertOf = change.revertOf ?? null;
        if (revertOf !== null)
            this.require(checkId(revertOf, "revertOf"), "revertOf");
        const result = this.#db
            .prepare(`INSERT INTO changes (tenant, intent, reason, author, state, spec, created_at, revert_of)
         VALUES (?, ?, ?, ?, 'proposed', ?, ?, ?)`)
            .run(change.tenant, change.intent, change.reason, change.author, spec, this.#now(), revertOf);
        return Number(result.lastInsertRowid);
    }
    get(id) {
        const row = this.#db
            .prepare(`SELECT ${COLUMNS} FROM changes WHERE id = ?`)
            .raw()
            .get(checkId(id, "id"));
        return row === undefined ? undefined : this.#records([row])[0];
    }
    /** The change, or a `not_found` error naming it (and the field that named it, if given). */
    require(id, field) {
        const change = this.get(id);
        if (change === undefined) {
            throw new GatehouseError("not_found", `change ${id} does not exist`, field ? { field } : undefined);
        }
        return change;
    }
    /** Newest first. */
    list(filter) {
        const conditions = [];
        const params = [];
        if (filter.tenant !== undefined) {
            conditions.push("tenant = ?");
            params.push(checkTenant(filter.tenant, { field: "tenant" }));
        }
        if (filter.state !== undefined) {
            conditions.push("state = ?");
            params.push(checkState(filter.state));
        }
        let sql = `SELECT ${COLUMNS} FROM changes`;
        if (conditions.length > 0)
            sql += ` WHERE ${conditions.join(" AND ")}`;
        sql += " ORDER BY id DESC";
        if (filter.limit !== undefined) {
            sql += " LIMIT ?";
            params.push(checkLimit(filter.limit, "limit"));
        }
        return this.#records(this.#db
            .prepare(sql)
            .raw()
            .all(...params));
    }
    /** Sets the fields the update names; the others stay as they are. */
    update(id, update) {
        this.require(checkId(id, "id"));
        const sets = [];
        const params = [];
        if (update.state !== undefined) {
            sets.push("state = ?");
            params.push(checkState(update.state));
        }
        if (update.plan !== undefined) {
            sets.push("plan = ?");
            params.push(update.plan === null ? null : jsonText(update.plan, "plan"));
        }
        if (update.baseRevision !== undefined) {
            sets.push("base_revision = ?");
            params.push(this.#revisions.at(update.baseRevision));
        }
        if (update.revertedBy !== undefined) {
            sets.push("reverted_by = ?");
            params.push(this.require(checkId(update.revertedBy, "revertedBy"), "revertedBy").id);
        }
        if (sets.length === 0)
            return;
        this.#db.prepare(`UPDATE changes SET ${sets.join(", ")} WHERE id = ?`).run(...params, id);
    }
    /** One approval per principal and change; a second is a `conflict`. */
    approve(id, principal, comment) {
        this.require(checkId(id, "id"));
        checkText(principal, "principal");
        if (comment !== null && typeof comment !== "string") {
            throw inputError("invalid comment: expected text or null", { field: "comment" });
        }
        const inserted = this.#db
            .prepare(`INSERT INTO approvals (change_id, principal, at, comment) VALUES (?, ?, ?, ?)
         ON CONFLICT (change_id, principal) DO NOTHING`)
            .run(id, principal, this.#now(), comment);
        if (inserted.changes === 0) {
            throw new GatehouseError("conflict", `\`${principal}\` has already approved change ${id}`, {
                field: "principal",
            });
        }
    }
    markApplied(id, revision, applied) {
        this.#db
            .prepare("UPDATE changes SET state = 'applied', applied_revision = ?, applied = ? WHERE id = ?")
            .run(revision, appliedToJson(applied), id);
    }
    /** Rows to records, with all their approvals read in one query. */
    #records(rows) {
        if (rows.length === 0)
            return [];
        const approvals = new Map();
        const approvalRows = this.#db
            .prepare(`SELECT change_id, principal, at, comment FROM approvals
         WHERE change_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`)
            .raw()
            .all(JSON.stringify(rows.map((row) => row[0])));
        for (const [changeId, principal, at, comment] of approvalRows) {
            const forChange = approvals.get(changeId) ?? [];
            forChange.push({ principal, at, comment });
            approvals.set(changeId, forChange);
        }
        return rows.map((row) => toRecord(row, approvals.get(row[0]) ?? []));
    }
}
function toRecord(row, approvals) {
    const [id, tenant, intent, reason, author, state, spec, createdAt, plan, baseRevision, appliedRevision, applied, revertOf, revertedBy,] = row;
    return {
        id,
        tenant,
        intent: intent,
        reason,
        author,
        state: state,
        spec: specFromJson(spec),
        createdAt,
        plan: plan === null ? null : JSON.parse(plan),
        baseRevision,
        appliedRevision,
        applied: applied === null ? null : appliedFromJson(applied),
        revertOf,
        revertedBy,
        approvals,
    };
}
//# sourceMappingURL=change-tables.js.map