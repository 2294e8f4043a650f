/**
 * A small document-management store for first contact: two tenants, nested groups, a folder
 * tree, an exclusion and a wildcard, enough to try every command by hand.
 */
export const DEMO_SCHEMA = `/** someone who signs in */
definition user {}

/** a team; teams can contain teams */
definition group {
  relation member: user | group#member
}

definition folder {
  relation parent: folder
  relation owner: user
  relation editor: user | group#member
  relation viewer: user | group#member | user:*
  permission edit = owner + editor + parent->edit
  permission view = edit + viewer + parent->view
}

definition document {
  relation parent: folder
  relation owner: user
  relation editor: user | group#member
  relation viewer: user | group#member | user:*
  relation banned: user
  permission edit = owner + editor + parent->edit
  permission view = (edit + viewer + parent->view) - banned
}
`;
export const DEMO_TENANTS = {
    acme: [
        "group:engineering#member@user:ann",
        "group:engineering#member@group:platform#member",
        "group:platform#member@user:bob",
        "group:legal#member@user:cid",
        "folder:handbook#owner@user:dee",
        "folder:handbook#viewer@user:*",
        "folder:engineering#parent@folder:handbook",
        "folder:engineering#editor@group:engineering#member",
        "folder:contracts#owner@user:cid",
        "folder:contracts#viewer@group:legal#member",
        "document:onboarding#parent@folder:handbook",
        "document:runbook#parent@folder:engineering",
        "document:postmortem#parent@folder:engineering",
        "document:postmortem#banned@user:bob",
        "document:nda#parent@folder:contracts",
        "document:nda#viewer@user:ann",
    ],
    globex: [
        "group:staff#member@user:eve",
        "folder:shared#viewer@group:staff#member",
        "document:plan#parent@folder:shared",
        "document:plan#owner@user:fay",
    ],
};
//# sourceMappingURL=demo-data.js.map