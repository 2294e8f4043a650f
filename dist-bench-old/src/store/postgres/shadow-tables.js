import { checkId, checkText } from "../common/input-checks.js";
import { COUNT_COLUMNS, checkTally, DIVERGENCE_COLUMNS, noRunningShadow, SESSION_COLUMNS, shadowRunning, toDivergenceCount, toDivergentCheck, toShadowSession, unknownChange, unknownShadow, } from "../common/shadow-rows.js";
import { SHADOW_SAMPLE_LIMIT, } from "../shadow-records.js";
/**
 * The shadow tables, with SQLite's checks and messages. A tally locks its session's row first,
 * so tallies of several nodes are serialised and the cap on kept checks is exact; each tally is
 * a few statements over arrays, whatever its size, so a flush costs a few round trips.
 */
export class ShadowTables {
    #now;
    constructor(now) {
        this.#now = now;
    }
    /** Runs under the audit lock, which serialises starts: "none running" still holds at the insert. */
    async start(sql, changeId, schema, actor) {
        checkId(changeId, "change");
        checkText(schema, "schema");
        checkText(actor, "actor");
        const [change] = await sql.rows("SELECT 1 FROM changes WHERE id = $1", [changeId]);
        if (change === undefined)
            throw unknownChange(changeId);
        const running = await this.running(sql);
        if (running)
            throw shadowRunning(running);
        const [row] = await sql.rows(`INSERT INTO shadow_sessions (change_id, schema_text, started_at, started_by) VALUES ($1, $2, $3, $4)
       RETURNING ${SESSION_COLUMNS}`, [changeId, schema, this.#now(), actor]);
        return toShadowSession(row);
    }
    async stop(sql, actor) {
        checkText(actor, "actor");
        const [row] = await sql.rows(`UPDATE shadow_sessions SET stopped_at = $1, stopped_by = $2 WHERE stopped_at IS NULL
       RETURNING ${SESSION_COLUMNS}`, [this.#now(), actor]);
        if (row === undefined)
            throw noRunningShadow();
        return toShadowSession(row);
    }
    async running(sql) {
        const [row] = await sql.rows(`SELECT ${SESSION_COLUMNS} FROM shadow_sessions WHERE stopped_at IS NULL`);
        return row === undefined ? undefined : toShadowSession(row);
    }
    async get(sql, id, forUpdate = false) {
        const [row] = id === undefined
            ? await sql.rows(`SELECT ${SESSION_COLUMNS} FROM shadow_sessions ORDER BY id DESC LIMIT 1`)
            : await sql.rows(`SELECT ${SESSION_COLUMNS} FROM shadow_sessions WHERE id = $1${forUpdate ? " FOR UPDATE" : ""}`, [checkId(id, "session")]);
        return row === undefined ? undefined : toShadowSession(row);
    }
    async addTally(sql, sessionId, tally) {
        checkTally(sessionId, tally);
        const session = await this.get(sql, sessionId, true);
        if (!session)
            throw unknownShadow(sessionId);
        let kept = session.kept;
        let truncated = session.truncated || tally.dropped;
        if (tally.counts.length > 0) {
            await sql.run(`INSERT INTO shadow_counts (session, tenant, permission, direction, count)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[])
         ON CONFLICT (session, tenant, permission, direction)
         DO UPDATE SET count = shadow_counts.count + excluded.count`, [
                sessionId,
                tally.counts.map((c) => c.tenant),
                tally.counts.map((c) => c.permission),
                tally.counts.map((c) => c.direction),
                tally.counts.map((c) => c.count),
            ]);
        }
        if (tally.divergences.length > 0) {
            const columns = (list) => [
                list.map((d) => d.tenant),
                list.map((d) => d.resource),
                list.map((d) => d.permission),
                list.map((d) => d.subject),
                list.map((d) => d.active),
                list.map((d) => d.count),
            ];
            const grown = await sql.rows(`UPDATE shadow_divergences d SET count = d.count + u.count
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::bigint[])
           AS u (tenant, resource, permission, subject, active, count)
         WHERE d.session = $1 AND d.tenant = u.tenant AND d.resource = u.resource
           AND d.permission = u.permission AND d.subject = u.subject AND d.active = u.active
         RETURNING d.tenant, d.resource, d.permission, d.subject, d.active`, [sessionId, ...columns(tally.divergences)]);
            const key = (t, r, p, s, a) => `${t}\n${r}\n${p}\n${s}\n${a}`;
            const known = new Set(grown.map((g) => key(...g)));
            const fresh = tally.divergences.filter((d) => !known.has(key(d.tenant, d.resource, d.permission, d.subject, d.active)));
            const room = Math.max(0, SHADOW_SAMPLE_LIMIT - kept);
            const added = fresh.slice(0, room);
            if (added.length < fresh.length)
                truncated = true;
            if (added.length > 0) {
                await sql.run(`INSERT INTO shadow_divergences (session, tenant, resource, permission, subject, active, count)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::bigint[])`, [sessionId, ...columns(added)]);
                kept += added.length;
            }
        }
        await sql.run("UPDATE shadow_sessions SET checks = checks + $1, kept = $2, truncated = $3 WHERE id = $4", [tally.checks, kept, truncated, sessionId]);
    }
    async read(sql, sessionId) {
        const session = await this.get(sql, sessionId);
        if (!session)
            throw unknownShadow(sessionId);
        const counts = await sql.rows(`SELECT ${COUNT_COLUMNS} FROM shadow_counts WHERE session = $1 ORDER BY tenant, permission, direction`, [sessionId]);
        const divergences = await sql.rows(`SELECT ${DIVERGENCE_COLUMNS} FROM shadow_divergences WHERE session = $1
       ORDER BY tenant, permission, resource, subject, active`, [sessionId]);
        return {
            session,
            counts: counts.map(toDivergenceCount),
            divergences: divergences.map(toDivergentCheck),
        };
    }
}
//# sourceMappingURL=shadow-tables.js.map