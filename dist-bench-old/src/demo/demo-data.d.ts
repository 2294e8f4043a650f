/**
 * A small document-management store for first contact: two tenants, nested groups, a folder
 * tree, an exclusion and a wildcard, enough to try every command by hand.
 */
export declare const DEMO_SCHEMA = "/** someone who signs in */\ndefinition user {}\n\n/** a team; teams can contain teams */\ndefinition group {\n  relation member: user | group#member\n}\n\ndefinition folder {\n  relation parent: folder\n  relation owner: user\n  relation editor: user | group#member\n  relation viewer: user | group#member | user:*\n  permission edit = owner + editor + parent->edit\n  permission view = edit + viewer + parent->view\n}\n\ndefinition document {\n  relation parent: folder\n  relation owner: user\n  relation editor: user | group#member\n  relation viewer: user | group#member | user:*\n  relation banned: user\n  permission edit = owner + editor + parent->edit\n  permission view = (edit + viewer + parent->view) - banned\n}\n";
export declare const DEMO_TENANTS: Record<string, string[]>;
