import type { CheckRequest } from "../src/engine/engine.js";
import type { Relationship } from "../src/model/relationship.js";
/** The demo's document-management model (`gatehouse demo` uses the same one). */
export declare const WORKLOAD_SCHEMA = "/** someone who signs in */\ndefinition user {}\n\n/** a team; teams can contain teams */\ndefinition group {\n  relation member: user | group#member\n}\n\ndefinition folder {\n  relation parent: folder\n  relation owner: user\n  relation editor: user | group#member\n  relation viewer: user | group#member | user:*\n  permission edit = owner + editor + parent->edit\n  permission view = edit + viewer + parent->view\n}\n\ndefinition document {\n  relation parent: folder\n  relation owner: user\n  relation editor: user | group#member\n  relation viewer: user | group#member | user:*\n  relation banned: user\n  permission edit = owner + editor + parent->edit\n  permission view = (edit + viewer + parent->view) - banned\n}\n";
/** Small, fast and good enough for generating data: mulberry32. */
export declare class Rng {
    private state;
    constructor(seed: number);
    /** Uniform in [0, 1). */
    next(): number;
    /** Uniform integer in [0, n). */
    int(n: number): number;
    /** Uniform integer in [lo, hi]. */
    between(lo: number, hi: number): number;
    chance(p: number): boolean;
    pick<T>(items: readonly T[]): T;
}
/** A grant's subject: a user, a group's members (`group:g#member`), or every user (`user:*`). */
export type GrantSubject = {
    readonly kind: "user";
    readonly id: number;
} | {
    readonly kind: "group";
    readonly id: number;
} | {
    readonly kind: "wildcard";
};
export interface Grant {
    readonly relation: "editor" | "viewer";
    readonly subject: GrantSubject;
}
export interface WorkloadCounts {
    readonly users: number;
    readonly groups: number;
    readonly folders: number;
    readonly documents: number;
    readonly relationships: number;
    /** Deepest folder (a root folder has depth 0). */
    readonly maxFolderDepth: number;
    /** Relationships by `type#relation`. */
    readonly byRelation: Readonly<Record<string, number>>;
}
export interface WorkloadOptions {
    /** 1 ≈ one million relationships; 0.01 ≈ ten thousand. */
    readonly scale?: number;
    readonly seed?: number;
}
export declare const userId: (u: number) => string;
export declare const groupId: (g: number) => string;
export declare const folderId: (f: number) => string;
export declare const documentId: (d: number) => string;
export declare class Workload {
    readonly scale: number;
    readonly seed: number;
    readonly schema = "/** someone who signs in */\ndefinition user {}\n\n/** a team; teams can contain teams */\ndefinition group {\n  relation member: user | group#member\n}\n\ndefinition folder {\n  relation parent: folder\n  relation owner: user\n  relation editor: user | group#member\n  relation viewer: user | group#member | user:*\n  permission edit = owner + editor + parent->edit\n  permission view = edit + viewer + parent->view\n}\n\ndefinition document {\n  relation parent: folder\n  relation owner: user\n  relation editor: user | group#member\n  relation viewer: user | group#member | user:*\n  relation banned: user\n  permission edit = owner + editor + parent->edit\n  permission view = (edit + viewer + parent->view) - banned\n}\n";
    readonly userCount: number;
    readonly groupCount: number;
    /** Groups [0, departments) are departments, then teams, then squads. */
    readonly departments: number;
    readonly teams: number;
    /** group → users named directly as members. */
    readonly groupUsers: number[][];
    /** group → groups whose members are members (`group:g#member@group:h#member`). */
    readonly groupSubgroups: number[][];
    readonly folderCount: number;
    /** folder → parent folder, -1 for a root (workspace) folder. */
    readonly folderParent: Int32Array;
    readonly folderDepth: Uint8Array;
    readonly folderOwner: Int32Array;
    readonly folderGrants: Grant[][];
    readonly documentCount: number;
    readonly documentFolder: Int32Array;
    readonly documentOwner: Int32Array;
    readonly documentGrants: Grant[][];
    /** document → banned users (absent for most documents). */
    readonly documentBanned: Map<number, number[]>;
    private relationshipCount;
    constructor(options?: WorkloadOptions);
    get size(): number;
    private randomUser;
    private randomTeam;
    private randomSquad;
    /** A team or a squad, mostly squads: the groups people grant to on single folders and documents. */
    private randomWorkingGroup;
    private distinctUsers;
    /**
     * Departments hold teams, teams hold squads (three levels of `group#member` nesting), and
     * people sit mostly in squads. Squad sizes are skewed: a few are large (hundreds of members).
     */
    private generateGroups;
    /**
     * A forest: one root folder (a workspace) per hundred folders, each other folder under an
     * earlier one, which gives a random recursive tree a handful of levels deep.
     */
    private generateFolders;
    private generateDocuments;
    /** A user somewhere below `group` (directly or through nested groups), if it has any. */
    memberOf(rng: Rng, group: number): number | undefined;
    private grantUser;
    /** A folder on the path from `folder` to its root, picked uniformly. */
    private ancestor;
    /**
     * Someone with a reason to see the document: its owner, a user or group member granted on it,
     * or the owner of, or someone granted on, one of its folders. `forEdit` aims at edit rights.
     */
    relatedUser(rng: Rng, document: number, forEdit?: boolean): number | undefined;
    /** Every relationship, groups first, then folders, then documents; always in the same order. */
    relationships(): Generator<Relationship>;
    /** The relationships as tuple lines (`resource#relation@subject`), for `importRelationships`. */
    tupleText(): string;
    counts(): WorkloadCounts;
    /**
     * `count` checks of the kind an application makes: `view` (four in five) or `edit` on a
     * document, for a user. Half the subjects are related to the document (its owner, someone
     * granted on it or on one of its folders, someone banned from it), half are arbitrary users,
     * which gives roughly half "yes". Deterministic in `seed`.
     */
    queries(count: number, seed: number): CheckRequest[];
}
export declare function formatCheck(q: CheckRequest): string;
