import { compareText } from "../engine/access-diff.js";
import { Engine, TenantIndex } from "../engine/engine.js";
import { GatehouseError } from "../model/errors.js";
import { formatObject, formatRelationship, formatSubject } from "../model/relationship.js";
import { parseSchema } from "../schema/schema.js";
import { STORE_WIDE_TENANT } from "../store/store.js";
import { computePlan } from "./plan.js";
/** Decisions read from the store per call. */
const PAGE = 10_000;
export async function incidentReport(store, selector, options = {}) {
    const head = await store.headRevision();
    let from;
    let to;
    let windowFrom;
    let windowTo;
    let change = null;
    let revertedBy = null;
    let endedBy = null;
    if ("change" in selector) {
        const record = await store.getChange(selector.change);
        if (!record)
            throw new GatehouseError("not_found", `change ${selector.change} does not exist`, { field: "change" });
        if (record.appliedRevision === null) {
            throw new GatehouseError("conflict", `change ${record.id} is ${record.state} and was never applied: it has no window to report on`, { field: "change" });
        }
        change = { id: record.id, intent: record.intent, reason: record.reason, author: record.author };
        from = record.appliedRevision - 1;
        to = record.appliedRevision;
        windowFrom = record.appliedRevision;
        windowTo = null;
        // The revert that ended the window: the one the change names. Reverts applied with `change
        // apply` after being blocked name it too since `Changes.apply` marks the original; the scan
        // below finds those applied before that, in stores written by earlier versions.
        const reverts = record.revertedBy !== null ? [await store.getChange(record.revertedBy)] : [];
        if (reverts[0]?.appliedRevision == null) {
            for (const c of await store.listChanges({ tenant: record.tenant, state: "applied" }))
                if (c.revertOf === record.id)
                    reverts.push(c);
        }
        // A deletion is also undone by the restore that writes back what it deleted
        // (`subject restore`, `tenant restore`), which names the deletions it restores.
        if (record.intent === "delete") {
            for (const l of await store.listLifecycle({ tenant: record.tenant, kind: "restore" })) {
                const deletions = l.details?.deletions;
                if (!Array.isArray(deletions) || !deletions.includes(record.id))
                    continue;
                const restore = await store.getChange(l.changeId);
                if (restore?.appliedRevision != null)
                    reverts.push(restore);
            }
        }
        const revert = reverts
            .filter((c) => c?.appliedRevision != null)
            .sort((a, b) => a.appliedRevision - b.appliedRevision)[0];
        if (revert) {
            revertedBy = revert.id;
            endedBy = revert.intent === "restore" ? "restore" : "revert";
            windowTo = revert.appliedRevision - 1;
        }
    }
    else {
        from = checkRevision(selector.fromRevision, "fromRevision");
        to = checkRevision(selector.toRevision, "toRevision");
        if (from >= to) {
            throw new GatehouseError("input", `invalid revision range ${from}..${to}: the from-revision must be older than the to-revision`, { field: "fromRevision" });
        }
        if (to > head) {
            throw new GatehouseError("not_found", `revision ${to} does not exist yet; the newest is ${head}`, {
                field: "toRevision",
            });
        }
        windowFrom = from + 1;
        windowTo = to;
    }
    const tenants = await accessDifference(store, from, to, options.maxDepth);
    const since = (await store.revisionTime(windowFrom)) ?? null;
    const until = windowTo !== null ? ((await store.revisionTime(windowTo + 1)) ?? null) : null;
    // One pass over the window's decisions for every tenant at once: the log's pages are not kept
    // by tenant, so a read per tenant would decode every page once per tenant.
    const byTenant = new Map(tenants.map(({ tenant, gained, lost }) => [
        tenant,
        {
            gained: new RowMatcher(gained),
            lost: new RowMatcher(lost),
            used: new Folded(),
            denied: new Folded(),
        },
    ]));
    let checksRead = 0;
    for (let afterSeq = 0; byTenant.size > 0;) {
        const page = await store.listDecisions({
            fromRevision: windowFrom,
            ...(windowTo !== null ? { toRevision: windowTo } : {}),
            afterSeq,
            limit: PAGE,
        });
        for (const d of page) {
            const t = byTenant.get(d.tenant);
            if (t === undefined)
                continue;
            checksRead++;
            const access = accessOf(d);
            if (d.allowed ? t.gained.matches(d, access) : t.lost.matches(d, access))
                (d.allowed ? t.used : t.denied).add(d, access);
        }
        if (page.length < PAGE)
            break;
        afterSeq = page[page.length - 1].seq;
    }
    const reports = tenants.map(({ tenant, gained, lost }) => {
        const t = byTenant.get(tenant);
        return { tenant, gained, lost, used: t.used.list(), denied: t.denied.list() };
    });
    return {
        change,
        fromRevision: from,
        toRevision: to,
        window: { fromRevision: windowFrom, toRevision: windowTo, since, until, revertedBy, endedBy },
        checksRead,
        tenants: reports,
    };
}
function checkRevision(value, field) {
    if (!Number.isSafeInteger(value) || value < 0)
        throw new GatehouseError("input", `invalid ${field} \`${value}\`: expected a revision number`, { field });
    return value;
}
/**
 * The exact access difference from revision `from` to `to`, per tenant: each tenant whose data
 * moved (or every tenant, when the schema moved) is loaded at `from` into a private engine and
 * planned with its net data delta and the schema at `to`, as a change doing the same would be.
 */
async function accessDifference(store, from, to, maxDepth) {
    const deltas = new Map();
    let schemaMoved = false;
    for (let after = from; after < to;) {
        const events = await store.revisionsSince(after, 10_000);
        if (events.length === 0)
            break;
        for (const event of events) {
            if (event.revision > to)
                break;
            after = event.revision;
            if (event.schemaVersion !== null)
                schemaMoved = true;
            if (event.tenant === STORE_WIDE_TENANT)
                continue;
            let delta = deltas.get(event.tenant);
            if (!delta) {
                delta = new Map();
                deltas.set(event.tenant, delta);
            }
            const note = (relationship, op) => {
                const key = formatRelationship(relationship);
                const seen = delta.get(key);
                if (seen)
                    seen.last = op;
                else
                    delta.set(key, { relationship, first: op, last: op });
            };
            for (const r of event.deleted)
                note(r, "delete");
            for (const r of event.created)
                note(r, "create");
        }
        if (events.at(-1).revision >= to)
            break;
    }
    const schemaOf = async (revision) => {
        const version = await store.readSchema(revision);
        return version ? parseSchema(version.text).compiled : undefined;
    };
    const before = await schemaOf(from);
    const after = await schemaOf(to);
    // Before the first schema nothing is granted, and after it is removed nothing is: no schema
    // on one side means every access on the other side moved; planning needs a schema on both.
    const schemaBefore = before ?? after;
    const schemaAfter = after ?? before;
    if (!schemaBefore || !schemaAfter)
        return [];
    const tenants = new Set(deltas.keys());
    if (schemaMoved)
        for (const tenant of await store.tenants())
            tenants.add(tenant);
    const result = [];
    for (const tenant of [...tenants].sort()) {
        const writes = [];
        const deletes = [];
        for (const { relationship, first, last } of deltas.get(tenant)?.values() ?? []) {
            // A tuple is live at most once: created first and last, it was not live at `from` and is
            // at `to`; deleted first and last, the other way round; otherwise it is as it was.
            if (first === "create" && last === "create")
                writes.push(relationship);
            else if (first === "delete" && last === "delete")
                deletes.push(relationship);
        }
        if (!schemaMoved && writes.length + deletes.length === 0)
            continue;
        const engine = new Engine(schemaBefore, maxDepth !== undefined ? { maxDepth } : {});
        const index = new TenantIndex(tenant);
        for await (const batch of store.scanTenant(tenant, from))
            index.apply(batch, []);
        engine.registerTenant(index);
        const plan = computePlan({
            changeId: 0,
            tenant,
            intent: "migration",
            baseRevision: from,
            engine,
            schemaBefore,
            schemaAfter: schemaMoved ? schemaAfter : schemaBefore,
            writes,
            deletes,
            schemaTenants: schemaMoved ? [tenant] : [],
            guards: [],
            now: new Date(0),
        });
        if (plan.gained.length + plan.lost.length > 0)
            result.push({ tenant, gained: [...plan.gained], lost: [...plan.lost] });
    }
    return result;
}
function accessOf(d) {
    const resource = formatObject(d.resource);
    const subject = formatSubject(d.subject);
    return { resource, subject, key: `${resource}\n${d.permission}\n${subject}` };
}
/**
 * Whether a check asked about an access of a plan's rows: same resource, permission and
 * subject, or a wildcard row (`user:*`) of the subject's type that does not except it.
 */
class RowMatcher {
    #exact = new Set();
    #wildcards = new Map();
    constructor(rows) {
        for (const row of rows) {
            if (row.subject.endsWith(":*")) {
                const type = row.subject.slice(0, -2);
                this.#wildcards.set(`${row.resource}\n${row.permission}\n${type}`, new Set(row.except ?? []));
            }
            else
                this.#exact.add(`${row.resource}\n${row.permission}\n${row.subject}`);
        }
    }
    matches(d, access) {
        if (this.#exact.has(access.key))
            return true;
        if (d.subject.relation !== undefined)
            return false;
        const except = this.#wildcards.get(`${access.resource}\n${d.permission}\n${d.subject.type}`);
        return except !== undefined && !except.has(access.subject);
    }
}
class Folded {
    #byAccess = new Map();
    add(d, { resource, subject, key }) {
        const seen = this.#byAccess.get(key);
        if (seen) {
            seen.checks++;
            seen.last = d.at;
        }
        else
            this.#byAccess.set(key, {
                resource,
                permission: d.permission,
                subject,
                checks: 1,
                first: d.at,
                last: d.at,
            });
    }
    list() {
        return [...this.#byAccess.values()].sort((a, b) => compareText(a.resource, b.resource) ||
            compareText(a.permission, b.permission) ||
            compareText(a.subject, b.subject));
    }
}
//# sourceMappingURL=incident-report.js.map