import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import { checkIntent, checkState } from "../common/change-checks.js";
import { appliedFromJson, appliedToJson, specFromJson, specToJson } from "../common/change-json.js";
import { checkId, checkLimit, checkText, jsonText } from "../common/input-checks.js";
/** A change and its approvals in one row: one round trip, and one snapshot for both. */
const SELECT = `SELECT id, tenant, intent, reason, author, state, spec, created_at, plan, base_revision,
  applied_revision, applied, revert_of, reverted_by,
  (SELECT json_agg(json_build_array(a.principal, a.at, a.comment) ORDER BY a.position)
     FROM approvals a WHERE a.change_id = c.id)
  FROM changes c`;
/**
 * The `changes` and `approvals` tables, with the same checks and messages as SQLite's. Each
 * method is one step of a transaction the store opens, after it locked the audit head (every
 * act on a change is audited), which also makes `max(id) + 1` safe. Unknown ids are `not_found`.
 */
export class ChangeTables {
    #revisions;
    #now;
    constructor(revisions, now) {
        this.#revisions = revisions;
        this.#now = now;
    }
    /** Stores a new change as `proposed`; returns its id. */
    async insert(sql, change) {
        checkTenant(change.tenant, { field: "tenant" });
        checkIntent(change.intent);
        if (typeof change.reason !== "string")
            throw inputError("invalid reason: expected text", { field: "reason" });
        checkText(change.author, "author");
        const spec = specToJson(change.spec);
        const revertOf = change.revertOf ?? null;
        if (revertOf !== null)
            await this.require(sql, checkId(revertOf, "revertOf"), "revertOf");
        const [row] = await sql.rows(`INSERT INTO changes (id, tenant, intent, reason, author, state, spec, created_at, revert_of)
       SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, 'proposed', $5, $6, $7 FROM changes
       RETURNING id`, [change.tenant, change.intent, change.reason, change.author, spec, this.#now(), revertOf]);
        return row[0];
    }
    async get(sql, id) {
        const [row] = await sql.rows(`${SELECT} WHERE id = $1`, [checkId(id, "id")]);
        return row === undefined ? undefined : toRecord(row);
    }
    /** The change, or a `not_found` error naming it (and the field that named it, if given). */
    async require(sql, id, field) {
        const change = await this.get(sql, id);
        if (change === undefined) {
            throw new GatehouseError("not_found", `change ${id} does not exist`, field ? { field } : undefined);
        }
        return change;
    }
    /** Newest first. */
    async list(sql, filter) {
        const conditions = [];
        const params = [];
        if (filter.tenant !== undefined) {
            params.push(checkTenant(filter.tenant, { field: "tenant" }));
            conditions.push(`tenant = $${params.length}`);
        }
        if (filter.state !== undefined) {
            params.push(checkState(filter.state));
            conditions.push(`state = $${params.length}`);
        }
        let text = SELECT;
        if (conditions.length > 0)
            text += ` WHERE ${conditions.join(" AND ")}`;
        text += " ORDER BY id DESC";
        if (filter.limit !== undefined) {
            params.push(checkLimit(filter.limit, "limit"));
            text += ` LIMIT $${params.length}`;
        }
        return (await sql.rows(text, params)).map(toRecord);
    }
    /** Sets the fields the update names; the others stay as they are. */
    async update(sql, id, update) {
        await this.require(sql, checkId(id, "id"));
        const sets = [];
        const params = [];
        const set = (column, value) => {
            params.push(value);
            sets.push(`${column} = $${params.length}`);
        };
        if (update.state !== undefined)
            set("state", checkState(update.state));
        if (update.plan !== undefined)
            set("plan", update.plan === null ? null : jsonText(update.plan, "plan"));
        if (update.baseRevision !== undefined) {
            set("base_revision", await this.#revisions.at(sql, update.baseRevision));
        }
        if (update.revertedBy !== undefined) {
            const revertedBy = await this.require(sql, checkId(update.revertedBy, "revertedBy"), "revertedBy");
            set("reverted_by", revertedBy.id);
        }
        if (sets.length === 0)
            return;
        params.push(id);
        await sql.run(`UPDATE changes SET ${sets.join(", ")} WHERE id = $${params.length}`, params);
    }
    /** One approval per principal and change; a second is a `conflict`. */
    async approve(sql, id, principal, comment) {
        await this.require(sql, checkId(id, "id"));
        checkText(principal, "principal");
        if (comment !== null && typeof comment !== "string") {
            throw inputError("invalid comment: expected text or null", { field: "comment" });
        }
        const inserted = await sql.run(`INSERT INTO approvals (change_id, principal, at, comment) VALUES ($1, $2, $3, $4)
       ON CONFLICT (change_id, principal) DO NOTHING`, [id, principal, this.#now(), comment]);
        if (inserted === 0) {
            throw new GatehouseError("conflict", `\`${principal}\` has already approved change ${id}`, {
                field: "principal",
            });
        }
    }
    async markApplied(sql, id, revision, applied) {
        await sql.run("UPDATE changes SET state = 'applied', applied_revision = $1, applied = $2 WHERE id = $3", [
            revision,
            appliedToJson(applied),
            id,
        ]);
    }
}
function toRecord(row) {
    const [id, tenant, intent, reason, author, state, spec, createdAt, plan, baseRevision, appliedRevision, applied, revertOf, revertedBy, approvals,] = row;
    const approvalRows = approvals === null ? [] : JSON.parse(approvals);
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
        approvals: approvalRows.map(([principal, at, comment]) => ({ principal, at, comment })),
    };
}
//# sourceMappingURL=change-tables.js.map