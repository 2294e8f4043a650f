import { checkId, checkText } from "../common/input-checks.js";
import { COUNT_COLUMNS, checkTally, DIVERGENCE_COLUMNS, noRunningShadow, SESSION_COLUMNS, shadowRunning, toDivergenceCount, toDivergentCheck, toShadowSession, unknownChange, unknownShadow, } from "../common/shadow-rows.js";
import { SHADOW_SAMPLE_LIMIT, } from "../shadow-records.js";
/**
 * The shadow tables. Each method is one step of a transaction the store opens; none opens its
 * own. SQLite's write lock serialises tallies, so the cap on kept checks is exact.
 */
export class ShadowTables {
    #db;
    #now;
    constructor(db, now) {
        this.#db = db;
        this.#now = now;
    }
    start(changeId, schema, actor) {
        checkId(changeId, "change");
        checkText(schema, "schema");
        checkText(actor, "actor");
        if (this.#db.prepare("SELECT 1 FROM changes WHERE id = ?").get(changeId) === undefined)
            throw unknownChange(changeId);
        const running = this.running();
        if (running)
            throw shadowRunning(running);
        const row = this.#db
            .prepare(`INSERT INTO shadow_sessions (change_id, schema_text, started_at, started_by) VALUES (?, ?, ?, ?)
         RETURNING ${SESSION_COLUMNS}`)
            .raw()
            .get(changeId, schema, this.#now(), actor);
        return toShadowSession(row);
    }
    stop(actor) {
        checkText(actor, "actor");
        const row = this.#db
            .prepare(`UPDATE shadow_sessions SET stopped_at = ?, stopped_by = ? WHERE stopped_at IS NULL
         RETURNING ${SESSION_COLUMNS}`)
            .raw()
            .get(this.#now(), actor);
        if (row === undefined)
            throw noRunningShadow();
        return toShadowSession(row);
    }
    running() {
        const row = this.#db
            .prepare(`SELECT ${SESSION_COLUMNS} FROM shadow_sessions WHERE stopped_at IS NULL`)
            .raw()
            .get();
        return row === undefined ? undefined : toShadowSession(row);
    }
    get(id) {
        const row = (id === undefined
            ? this.#db
                .prepare(`SELECT ${SESSION_COLUMNS} FROM shadow_sessions ORDER BY id DESC LIMIT 1`)
                .raw()
                .get()
            : this.#db
                .prepare(`SELECT ${SESSION_COLUMNS} FROM shadow_sessions WHERE id = ?`)
                .raw()
                .get(checkId(id, "session")));
        return row === undefined ? undefined : toShadowSession(row);
    }
    addTally(sessionId, tally) {
        checkTally(sessionId, tally);
        const session = this.get(sessionId);
        if (!session)
            throw unknownShadow(sessionId);
        let kept = session.kept;
        let truncated = session.truncated || tally.dropped;
        const addCount = this.#db.prepare(`INSERT INTO shadow_counts (session, tenant, permission, direction, count) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session, tenant, permission, direction) DO UPDATE SET count = count + excluded.count`);
        for (const c of tally.counts)
            addCount.run(sessionId, c.tenant, c.permission, c.direction, c.count);
        const grow = this.#db.prepare(`UPDATE shadow_divergences SET count = count + ?
       WHERE session = ? AND tenant = ? AND resource = ? AND permission = ? AND subject = ? AND active = ?`);
        const insert = this.#db.prepare(`INSERT INTO shadow_divergences (session, tenant, resource, permission, subject, active, count)
       VALUES (?, ?, ?, ?, ?, ?, ?)`);
        for (const d of tally.divergences) {
            const active = d.active ? 1 : 0;
            const key = [sessionId, d.tenant, d.resource, d.permission, d.subject, active];
            if (grow.run(d.count, ...key).changes > 0)
                continue;
            if (kept < SHADOW_SAMPLE_LIMIT) {
                insert.run(...key, d.count);
                kept++;
            }
            else
                truncated = true;
        }
        this.#db
            .prepare("UPDATE shadow_sessions SET checks = checks + ?, kept = ?, truncated = ? WHERE id = ?")
            .run(tally.checks, kept, truncated ? 1 : 0, sessionId);
    }
    read(sessionId) {
        const session = this.get(sessionId);
        if (!session)
            throw unknownShadow(sessionId);
        const counts = this.#db
            .prepare(`SELECT ${COUNT_COLUMNS} FROM shadow_counts WHERE session = ? ORDER BY tenant, permission, direction`)
            .raw()
            .all(sessionId);
        const divergences = this.#db
            .prepare(`SELECT ${DIVERGENCE_COLUMNS} FROM shadow_divergences WHERE session = ?
         ORDER BY tenant, permission, resource, subject, active`)
            .raw()
            .all(sessionId);
        return {
            session,
            counts: counts.map(toDivergenceCount),
            divergences: divergences.map(toDivergentCheck),
        };
    }
}
//# sourceMappingURL=shadow-tables.js.map