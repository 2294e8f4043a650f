/**
 * A deterministic document-management workload for the benchmark: users, nested groups, a
 * folder tree, documents in folders, direct grants to users and groups, an exclusion (`banned`)
 * and a wildcard (`viewer: user:*`). At `scale` 1 it holds about one million relationships;
 * every count scales linearly, and the same `(scale, seed)` always gives the same data in the
 * same order.
 *
 * The generator keeps its own compact model of the data (who is in which group, which folder
 * holds which document, who was granted what) so that the query generator can aim about half
 * of its checks at subjects that really are related to the document.
 */
import { DEMO_SCHEMA } from "../src/demo/demo-data.js";
/** The demo's document-management model (`gatehouse demo` uses the same one). */
export const WORKLOAD_SCHEMA = DEMO_SCHEMA;
/** Small, fast and good enough for generating data: mulberry32. */
export class Rng {
    state;
    constructor(seed) {
        this.state = seed >>> 0;
    }
    /** Uniform in [0, 1). */
    next() {
        this.state = (this.state + 0x6d2b79f5) | 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    /** Uniform integer in [0, n). */
    int(n) {
        return Math.floor(this.next() * n);
    }
    /** Uniform integer in [lo, hi]. */
    between(lo, hi) {
        return lo + this.int(hi - lo + 1);
    }
    chance(p) {
        return this.next() < p;
    }
    pick(items) {
        if (items.length === 0)
            throw new Error("pick from an empty list");
        return items[this.int(items.length)];
    }
}
/** Folders below this depth get no children, so that the tree stays a few levels deep. */
const MAX_FOLDER_DEPTH = 7;
export const userId = (u) => `u${u}`;
export const groupId = (g) => `g${g}`;
export const folderId = (f) => `f${f}`;
export const documentId = (d) => `d${d}`;
export class Workload {
    scale;
    seed;
    schema = WORKLOAD_SCHEMA;
    userCount;
    groupCount;
    /** Groups [0, departments) are departments, then teams, then squads. */
    departments;
    teams;
    /** group → users named directly as members. */
    groupUsers = [];
    /** group → groups whose members are members (`group:g#member@group:h#member`). */
    groupSubgroups = [];
    folderCount;
    /** folder → parent folder, -1 for a root (workspace) folder. */
    folderParent;
    folderDepth;
    folderOwner;
    folderGrants = [];
    documentCount;
    documentFolder;
    documentOwner;
    documentGrants = [];
    /** document → banned users (absent for most documents). */
    documentBanned = new Map();
    relationshipCount = 0;
    constructor(options = {}) {
        this.scale = options.scale ?? 1;
        this.seed = options.seed ?? 20_240_601;
        if (!(this.scale > 0))
            throw new Error(`scale must be positive, got ${this.scale}`);
        const s = this.scale;
        const rng = new Rng(this.seed);
        this.userCount = Math.max(10, Math.round(100_000 * s));
        this.groupCount = Math.max(10, Math.round(10_000 * s));
        this.folderCount = Math.max(5, Math.round(50_000 * s));
        this.documentCount = Math.max(10, Math.round(216_000 * s));
        this.departments = Math.max(1, Math.round(this.groupCount * 0.01));
        this.teams = Math.max(1, Math.round(this.groupCount * 0.09));
        this.generateGroups(rng);
        this.folderParent = new Int32Array(this.folderCount);
        this.folderDepth = new Uint8Array(this.folderCount);
        this.folderOwner = new Int32Array(this.folderCount);
        this.generateFolders(rng);
        this.documentFolder = new Int32Array(this.documentCount);
        this.documentOwner = new Int32Array(this.documentCount);
        this.generateDocuments(rng);
        for (const _ of this.relationships())
            this.relationshipCount++;
    }
    get size() {
        return this.relationshipCount;
    }
    randomUser(rng) {
        return rng.int(this.userCount);
    }
    randomTeam(rng) {
        return this.departments + rng.int(this.teams);
    }
    randomSquad(rng) {
        const squads = this.groupCount - this.departments - this.teams;
        return squads > 0 ? this.departments + this.teams + rng.int(squads) : this.randomTeam(rng);
    }
    /** A team or a squad, mostly squads: the groups people grant to on single folders and documents. */
    randomWorkingGroup(rng) {
        return rng.chance(0.25) ? this.randomTeam(rng) : this.randomSquad(rng);
    }
    distinctUsers(rng, count) {
        const set = new Set();
        while (set.size < Math.min(count, this.userCount))
            set.add(this.randomUser(rng));
        return [...set];
    }
    /**
     * Departments hold teams, teams hold squads (three levels of `group#member` nesting), and
     * people sit mostly in squads. Squad sizes are skewed: a few are large (hundreds of members).
     */
    generateGroups(rng) {
        const firstSquad = this.departments + this.teams;
        for (let g = 0; g < this.groupCount; g++) {
            this.groupUsers.push([]);
            this.groupSubgroups.push([]);
        }
        for (let g = 0; g < this.groupCount; g++) {
            let size;
            if (g < this.departments)
                size = rng.between(0, 10);
            else if (g < firstSquad)
                size = rng.between(0, 5);
            else if (rng.chance(0.02))
                size = rng.between(100, 600);
            else
                size = 2 + Math.floor(rng.next() ** 2 * 15);
            this.groupUsers[g] = this.distinctUsers(rng, size);
        }
        // Each team belongs to a department (one in ten to a second one too), each squad to a team.
        for (let t = this.departments; t < firstSquad; t++) {
            const first = rng.int(this.departments);
            this.groupSubgroups[first].push(t);
            if (this.departments > 1 && rng.chance(0.1)) {
                const second = (first + 1 + rng.int(this.departments - 1)) % this.departments;
                this.groupSubgroups[second].push(t);
            }
        }
        for (let q = firstSquad; q < this.groupCount; q++)
            this.groupSubgroups[this.randomTeam(rng)].push(q);
    }
    /**
     * A forest: one root folder (a workspace) per hundred folders, each other folder under an
     * earlier one, which gives a random recursive tree a handful of levels deep.
     */
    generateFolders(rng) {
        const roots = Math.max(1, Math.round(this.folderCount * 0.01));
        for (let f = 0; f < this.folderCount; f++) {
            const grants = [];
            this.folderOwner[f] = this.randomUser(rng);
            if (f < roots) {
                this.folderParent[f] = -1;
                this.folderDepth[f] = 0;
                // A workspace: one department edits it, another reads it.
                const editors = rng.int(this.departments);
                grants.push({ relation: "editor", subject: { kind: "group", id: editors } });
                if (this.departments > 1 && rng.chance(0.5)) {
                    const readers = (editors + 1 + rng.int(this.departments - 1)) % this.departments;
                    grants.push({ relation: "viewer", subject: { kind: "group", id: readers } });
                }
            }
            else {
                let parent = rng.int(f);
                while (this.folderDepth[parent] >= MAX_FOLDER_DEPTH)
                    parent = this.folderParent[parent];
                this.folderParent[f] = parent;
                this.folderDepth[f] = this.folderDepth[parent] + 1;
                if (rng.chance(0.3)) {
                    grants.push({
                        relation: "editor",
                        subject: rng.chance(0.5)
                            ? { kind: "user", id: this.randomUser(rng) }
                            : { kind: "group", id: this.randomWorkingGroup(rng) },
                    });
                }
                if (rng.chance(0.5)) {
                    const count = rng.between(1, 2);
                    for (let i = 0; i < count; i++) {
                        grants.push({
                            relation: "viewer",
                            subject: rng.chance(0.4)
                                ? { kind: "user", id: this.randomUser(rng) }
                                : { kind: "group", id: this.randomWorkingGroup(rng) },
                        });
                    }
                }
            }
            this.folderGrants.push(dedupeGrants(grants));
        }
    }
    generateDocuments(rng) {
        for (let d = 0; d < this.documentCount; d++) {
            const folder = rng.int(this.folderCount);
            this.documentFolder[d] = folder;
            this.documentOwner[d] = rng.chance(0.5) ? this.folderOwner[folder] : this.randomUser(rng);
            const grants = [];
            if (rng.chance(0.25)) {
                grants.push({
                    relation: "editor",
                    subject: rng.chance(0.7)
                        ? { kind: "user", id: this.randomUser(rng) }
                        : { kind: "group", id: this.randomSquad(rng) },
                });
            }
            if (rng.chance(0.55)) {
                const count = rng.between(1, 3);
                for (let i = 0; i < count; i++) {
                    grants.push({
                        relation: "viewer",
                        subject: rng.chance(0.75)
                            ? { kind: "user", id: this.randomUser(rng) }
                            : { kind: "group", id: this.randomWorkingGroup(rng) },
                    });
                }
            }
            if (rng.chance(0.001))
                grants.push({ relation: "viewer", subject: { kind: "wildcard" } });
            this.documentGrants.push(dedupeGrants(grants));
            if (rng.chance(0.02)) {
                // Half of the bans hit someone who would otherwise see the document.
                const banned = new Set();
                const count = rng.between(1, 2);
                for (let i = 0; i < count; i++) {
                    const related = rng.chance(0.5) ? this.relatedUser(rng, d) : undefined;
                    banned.add(related ?? this.randomUser(rng));
                }
                this.documentBanned.set(d, [...banned]);
            }
        }
    }
    /** A user somewhere below `group` (directly or through nested groups), if it has any. */
    memberOf(rng, group) {
        let g = group;
        for (let hops = 0; hops < 10; hops++) {
            const users = this.groupUsers[g];
            const subgroups = this.groupSubgroups[g];
            const total = users.length + subgroups.length;
            if (total === 0)
                return undefined;
            const i = rng.int(total);
            if (i < users.length)
                return users[i];
            g = subgroups[i - users.length];
        }
        return undefined;
    }
    grantUser(rng, grants, relation) {
        const eligible = relation === undefined ? grants : grants.filter((g) => g.relation === relation);
        if (eligible.length === 0)
            return undefined;
        const subject = rng.pick(eligible).subject;
        if (subject.kind === "user")
            return subject.id;
        if (subject.kind === "group")
            return this.memberOf(rng, subject.id);
        return this.randomUser(rng);
    }
    /** A folder on the path from `folder` to its root, picked uniformly. */
    ancestor(rng, folder) {
        const path = [];
        for (let f = folder; f >= 0; f = this.folderParent[f])
            path.push(f);
        return rng.pick(path);
    }
    /**
     * Someone with a reason to see the document: its owner, a user or group member granted on it,
     * or the owner of, or someone granted on, one of its folders. `forEdit` aims at edit rights.
     */
    relatedUser(rng, document, forEdit = false) {
        const relation = forEdit ? "editor" : undefined;
        const r = rng.next();
        if (r < 0.15)
            return this.documentOwner[document];
        if (r < 0.4) {
            const user = this.grantUser(rng, this.documentGrants[document], relation);
            if (user !== undefined)
                return user;
        }
        const folder = this.ancestor(rng, this.documentFolder[document]);
        if (r < 0.6)
            return this.folderOwner[folder];
        return this.grantUser(rng, this.folderGrants[folder], relation) ?? this.folderOwner[folder];
    }
    /** Every relationship, groups first, then folders, then documents; always in the same order. */
    *relationships() {
        const user = (u) => ({ type: "user", id: userId(u) });
        const members = (g) => ({ type: "group", id: groupId(g), relation: "member" });
        const subjectOf = (s) => s.kind === "user" ? user(s.id) : s.kind === "group" ? members(s.id) : { type: "user", id: "*" };
        for (let g = 0; g < this.groupCount; g++) {
            const resource = { type: "group", id: groupId(g) };
            for (const u of this.groupUsers[g])
                yield { resource, relation: "member", subject: user(u) };
            for (const h of this.groupSubgroups[g])
                yield { resource, relation: "member", subject: members(h) };
        }
        for (let f = 0; f < this.folderCount; f++) {
            const resource = { type: "folder", id: folderId(f) };
            const parent = this.folderParent[f];
            if (parent >= 0)
                yield { resource, relation: "parent", subject: { type: "folder", id: folderId(parent) } };
            yield { resource, relation: "owner", subject: user(this.folderOwner[f]) };
            for (const g of this.folderGrants[f])
                yield { resource, relation: g.relation, subject: subjectOf(g.subject) };
        }
        for (let d = 0; d < this.documentCount; d++) {
            const resource = { type: "document", id: documentId(d) };
            yield {
                resource,
                relation: "parent",
                subject: { type: "folder", id: folderId(this.documentFolder[d]) },
            };
            yield { resource, relation: "owner", subject: user(this.documentOwner[d]) };
            for (const g of this.documentGrants[d])
                yield { resource, relation: g.relation, subject: subjectOf(g.subject) };
            for (const u of this.documentBanned.get(d) ?? [])
                yield { resource, relation: "banned", subject: user(u) };
        }
    }
    /** The relationships as tuple lines (`resource#relation@subject`), for `importRelationships`. */
    tupleText() {
        const lines = [];
        for (const r of this.relationships()) {
            const s = r.subject;
            lines.push(`${r.resource.type}:${r.resource.id}#${r.relation}@${s.type}:${s.id}${s.relation === undefined ? "" : `#${s.relation}`}`);
        }
        return lines.join("\n");
    }
    counts() {
        const byRelation = {};
        for (const r of this.relationships()) {
            const key = `${r.resource.type}#${r.relation}`;
            byRelation[key] = (byRelation[key] ?? 0) + 1;
        }
        let maxFolderDepth = 0;
        for (const depth of this.folderDepth)
            maxFolderDepth = Math.max(maxFolderDepth, depth);
        return {
            users: this.userCount,
            groups: this.groupCount,
            folders: this.folderCount,
            documents: this.documentCount,
            relationships: this.size,
            maxFolderDepth,
            byRelation,
        };
    }
    /**
     * `count` checks of the kind an application makes: `view` (four in five) or `edit` on a
     * document, for a user. Half the subjects are related to the document (its owner, someone
     * granted on it or on one of its folders, someone banned from it), half are arbitrary users,
     * which gives roughly half "yes". Deterministic in `seed`.
     */
    queries(count, seed) {
        const rng = new Rng(seed);
        const out = [];
        for (let i = 0; i < count; i++) {
            const d = rng.int(this.documentCount);
            const edit = rng.chance(0.2);
            let u;
            if (rng.chance(0.5)) {
                const banned = this.documentBanned.get(d);
                u = banned !== undefined && rng.chance(0.2) ? rng.pick(banned) : this.relatedUser(rng, d, edit);
            }
            out.push({
                resource: { type: "document", id: documentId(d) },
                permission: edit ? "edit" : "view",
                subject: { type: "user", id: userId(u ?? this.randomUser(rng)) },
            });
        }
        return out;
    }
}
function dedupeGrants(grants) {
    const seen = new Set();
    return grants.filter((g) => {
        const s = g.subject;
        const key = `${g.relation}/${s.kind}/${s.kind === "wildcard" ? "*" : s.id}`;
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}
export function formatCheck(q) {
    const s = q.subject;
    return `${q.resource.type}:${q.resource.id}#${q.permission}@${s.type}:${s.id}${s.relation === undefined ? "" : `#${s.relation}`}`;
}
//# sourceMappingURL=workload.js.map