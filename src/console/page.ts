/**
 * The web console: one page, no build step, talking to the same JSON API as every client.
 * It is where people ask "why does X (not) have P on R?", review a plan, approve, apply and
 * revert, read shadow reports and the state of a staged rollout, and read the audit trail. Every value from the server is put into the page as text
 * (never as HTML), so data cannot inject markup.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Gatehouse console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
  header { background: #1d232a; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 16px; margin: 0; }
  header input { width: 320px; }
  nav { white-space: nowrap; }
  nav button { background: none; color: #cfd6dd; border: 0; padding: 6px 10px; cursor: pointer; font-size: 14px; }
  nav button.active { color: #fff; border-bottom: 2px solid #6cb6ff; }
  main { padding: 16px; max-width: 1100px; }
  section { display: none; } section.active { display: block; }
  form { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 12px; }
  label { display: flex; flex-direction: column; font-size: 12px; color: #56606b; }
  input, select, button { font: inherit; padding: 4px 8px; }
  button.primary { background: #2f6fde; color: #fff; border: 0; border-radius: 4px; padding: 6px 12px; cursor: pointer; }
  button.danger { background: #c0392b; color: #fff; border: 0; border-radius: 4px; padding: 6px 12px; cursor: pointer; }
  table { border-collapse: collapse; width: 100%; background: #fff; margin: 8px 0; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e6ea; font-size: 13px; }
  .tree { font-family: ui-monospace, monospace; font-size: 13px; background: #fff; padding: 8px; white-space: pre; overflow-x: auto; }
  .yes { color: #1e8e3e; } .no { color: #c0392b; }
  .answer { font-size: 20px; font-weight: 600; margin: 8px 0; }
  .error { color: #c0392b; white-space: pre-wrap; }
  .blocked { background: #fdecea; padding: 8px; border-radius: 4px; }
  .ready { background: #e6f4ea; padding: 8px; border-radius: 4px; }
  .muted { color: #56606b; }
</style>
</head>
<body>
<header>
  <h1>Gatehouse</h1>
  <nav>
    <button data-tab="why" class="active">Why?</button>
    <button data-tab="changes">Changes</button>
    <button data-tab="rollout">Shadow &amp; rollout</button>
    <button data-tab="audit">Audit trail</button>
  </nav>
  <span style="flex:1"></span>
  <label style="color:#cfd6dd">token <input id="token" type="password" placeholder="gh_..." autocomplete="off"></label>
  <label style="color:#cfd6dd">tenant <input id="tenant" value="acme" size="10"></label>
</header>
<main>
  <p id="error" class="error" role="alert"></p>

  <section id="why" class="active">
    <form id="check-form">
      <label>subject <input name="subject" value="user:bob" required></label>
      <label>permission <input name="permission" value="view" required></label>
      <label>resource <input name="resource" value="document:postmortem" required></label>
      <button class="primary" type="submit">Why (not)?</button>
    </form>
    <div id="answer" class="answer"></div>
    <div id="tree" class="tree" hidden></div>
  </section>

  <section id="changes">
    <form id="changes-form"><button class="primary" type="submit">Refresh</button> <span class="muted">changes of the tenant above, newest first</span></form>
    <table id="changes-table"><thead><tr><th>id</th><th>state</th><th>intent</th><th>author</th><th>reason</th></tr></thead><tbody></tbody></table>
    <div id="plan"></div>
  </section>

  <section id="rollout">
    <form id="rollout-form"><button class="primary" type="submit">Refresh</button> <span class="muted">store-wide: the newest shadow session and the newest rollout</span></form>
    <h3>Shadow evaluation</h3>
    <div id="shadow-report"></div>
    <h3>Staged rollout</h3>
    <div id="rollout-status"></div>
  </section>

  <section id="audit">
    <form id="audit-form"><label>actor <input name="actor"></label><label>action <input name="action"></label><button class="primary" type="submit">Show</button></form>
    <table id="audit-table"><thead><tr><th>#</th><th>time</th><th>actor</th><th>action</th><th>target</th><th>revision</th><th>reason</th></tr></thead><tbody></tbody></table>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const tokenInput = $("token");
tokenInput.value = sessionStorage.getItem("gatehouse-token") || "";
tokenInput.addEventListener("change", () => sessionStorage.setItem("gatehouse-token", tokenInput.value.trim()));

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

async function api(method, path, body) {
  $("error").textContent = "";
  const response = await fetch(path, {
    method,
    headers: { authorization: "Bearer " + tokenInput.value.trim(), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = data.error ? data.error.kind + ": " + data.error.message : response.status + " " + response.statusText;
    $("error").textContent = message;
    throw new Error(message);
  }
  return data;
}
const tenant = () => encodeURIComponent($("tenant").value.trim());

for (const button of document.querySelectorAll("nav button")) {
  button.addEventListener("click", () => {
    for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b === button);
    for (const s of document.querySelectorAll("section")) s.classList.toggle("active", s.id === button.dataset.tab);
    if (button.dataset.tab === "changes") loadChanges().catch(() => {});
    if (button.dataset.tab === "audit") loadAudit().catch(() => {});
    if (button.dataset.tab === "rollout") loadRollout().catch(() => {});
  });
}

function renderTree(node, depth) {
  const mark = node.result ? "\\u2713 " : "\\u2717 ";
  const via = node.relationship ? "   [" + node.relationship + "]" : "";
  const line = el("div", { class: node.result ? "yes" : "no" }, "  ".repeat(depth) + mark + node.label + via);
  const out = [line];
  for (const child of node.children) out.push(...renderTree(child, depth + 1));
  return out;
}

$("check-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { resource: form.get("resource").trim(), permission: form.get("permission").trim(), subject: form.get("subject").trim() };
  try {
    const result = await api("POST", "/v1/tenants/" + tenant() + "/explain", body);
    $("answer").replaceChildren(el("span", { class: result.allowed ? "yes" : "no" },
      body.subject + (result.allowed ? " has " : " does not have ") + body.permission + " on " + body.resource),
      el("span", { class: "muted" }, "  (revision " + result.revision + ")"));
    $("tree").replaceChildren(...renderTree(result.explain, 0));
    $("tree").hidden = false;
  } catch {}
});

async function loadChanges() {
  const { changes } = await api("GET", "/v1/changes?tenant=" + tenant());
  const body = $("changes-table").tBodies[0];
  body.replaceChildren(...changes.map((c) => el("tr", {},
    el("td", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); showPlan(c.id, false); } }, String(c.id))),
    el("td", {}, c.state), el("td", {}, c.intent), el("td", {}, c.author), el("td", {}, c.reason))));
}
$("changes-form").addEventListener("submit", (e) => { e.preventDefault(); loadChanges().catch(() => {}); });

function rowsTable(title, rows) {
  return [el("h4", {}, title + " (" + rows.length + ")"),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "tenant"), el("th", {}, "resource"), el("th", {}, "permission"), el("th", {}, "subject"))),
      el("tbody", {}, ...rows.slice(0, 500).map((r) => el("tr", {}, el("td", {}, r.tenant), el("td", {}, r.resource), el("td", {}, r.permission),
        el("td", {}, r.subject + (r.except && r.except.length ? " (except " + r.except.join(", ") + ")" : ""))))))];
}

// What a lifecycle change is about, shown above the access lists: for a deletion what the subject
// holds and who else loses access (incident 001 purged the duplicate that held the data).
function lifecycleFacts(plan) {
  const out = [];
  const d = plan.deletion;
  if (d) {
    const items = [
      ...d.asSubject.map((l) => "holds " + l.resourceType + "#" + l.relation + " on " + l.distinct + " " + l.resourceType + "(s)"),
      ...d.asResource.map((l) => l.resourceType + "#" + l.relation + ": " + l.distinct + " " + l.subjectType + " subject(s)"),
      ...d.reach.map((r) => "reaches " + r.permission + " on " + r.count + " " + r.resourceType + "(s)"),
      d.othersLosing.subjects === 0 ? "nobody else loses access"
        : d.othersLosing.subjects + " other subject(s) lose access to " + d.othersLosing.resources + " resource(s): " + d.othersLosing.examples.join(", "),
    ];
    out.push(el("h4", {}, "Deletion of " + d.target + ": " + d.relationships + " relationship(s)"), el("ul", {}, ...items.map((t) => el("li", {}, t))));
  }
  const m = plan.merge;
  if (m) out.push(el("h4", {}, "Merge of " + m.from + " into " + m.into), el("p", {}, m.into + " gains " + m.intoGains.length + " access(es); " + m.othersChanged + " access(es) of others change"));
  const p = plan.purge;
  if (p) out.push(el("h4", {}, "Purge of " + p.target + ": " + p.rows + " row(s) for good"), el("p", {}, "export " + p.export.path + ", sha256 " + p.export.sha256));
  return out;
}

async function showPlan(id, replan) {
  let plan;
  if (replan) plan = await api("POST", "/v1/changes/" + id + "/plan");
  else {
    const change = await api("GET", "/v1/changes/" + id);
    plan = change.plan ? { ...change.plan, id: change.id, state: change.state, intent: change.intent } : null;
    if (!plan) { $("plan").replaceChildren(el("p", {}, "change " + id + " has no plan yet "), el("button", { class: "primary", onclick: () => showPlan(id, true).catch(() => {}) }, "Plan it")); return; }
  }
  const status = plan.blocked
    ? el("div", { class: "blocked" }, "Blocked: " + plan.blockedBecause.join("; "))
    : el("div", { class: "ready" }, "Ready to apply (" + plan.approvals.given + " of " + plan.approvals.needed + " approvals)");
  const actions = el("p", {},
    el("button", { onclick: () => showPlan(id, true).catch(() => {}) }, "Plan again"), " ",
    // The approval names the plan shown here; a newer plan (someone planned again) is refused
    // with a 409, and the reviewer reads the newer one before approving it.
    el("button", { class: "primary", onclick: () => api("POST", "/v1/changes/" + id + "/approve", { plan: plan.planId }).then(() => showPlan(id, false)).catch(() => {}) }, "Approve"), " ",
    el("button", { class: "primary", onclick: () => api("POST", "/v1/changes/" + id + "/apply").then(() => { loadChanges(); showPlan(id, false); }).catch(() => {}) }, "Apply"), " ",
    el("button", { class: "danger", onclick: () => api("POST", "/v1/changes/" + id + "/revert", {}).then(() => { loadChanges(); showPlan(id, false); }).catch(() => {}) }, "Revert"), " ",
    el("button", { onclick: () => api("POST", "/v1/changes/" + id + "/withdraw", {}).then(() => { loadChanges(); showPlan(id, false); }).catch(() => {}) }, "Withdraw"), " ",
    el("button", { class: "danger", onclick: () => { const reason = prompt("Why reject change " + id + "?"); if (reason) api("POST", "/v1/changes/" + id + "/reject", { reason }).then(() => { loadChanges(); showPlan(id, false); }).catch(() => {}); } }, "Reject"));
  $("plan").replaceChildren(
    el("h3", {}, "Change " + id + " (" + (plan.intent || "") + ") \\u2014 planned at revision " + plan.baseRevision + (plan.planId ? " as plan " + plan.planId : "")),
    el("p", {}, (plan.gained || []).length + " gained, " + (plan.lost || []).length + " lost; data: " + plan.data.writes.length + " writes, " + plan.data.deletes.length + " deletes"),
    status,
    ...lifecycleFacts(plan),
    el("h4", {}, "Guards"),
    el("ul", {}, ...plan.guards.map((g) => el("li", { class: g.passed ? "yes" : "no" }, (g.passed ? "\\u2713 " : "\\u2717 ") + g.name + ": " + g.message))),
    ...rowsTable("Lost", plan.lost || []), ...rowsTable("Gained", plan.gained || []),
    actions);
}

function table(headings, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, ...headings.map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, String(c)))))));
}

// Incident 003 shipped a stricter requirement straight to enforcement: the shadow report says
// who would be blocked or let in before anyone is, and the rollout shows which tenants the
// candidate answers and what its deny-rate monitors see.
async function loadRollout() {
  let shadow = null;
  let shadowNote = "No shadow evaluation has run yet (gatehouse shadow start CHANGE_ID).";
  try {
    shadow = await api("GET", "/v1/shadow");
  } catch (error) {
    // The report says who was checked on what: it needs an approve token for every tenant.
    if (String(error.message).startsWith("forbidden"))
      shadowNote = "The shadow report needs a token with role approve, not limited to tenants.";
    else if (!String(error.message).startsWith("not_found")) throw error;
    $("error").textContent = "";
  }
  $("shadow-report").replaceChildren(...(shadow === null
    ? [el("p", { class: "muted" }, shadowNote)]
    : [
        el("p", {}, "Session " + shadow.session + " of change " + shadow.candidate.change + (shadow.running ? ", running since " : ", ran from ") + shadow.since +
          (shadow.running ? "" : " to " + shadow.until) + " (started by " + shadow.startedBy + "): " + shadow.checks + (shadow.checks === 1 ? " check" : " checks") + " observed, " +
          shadow.wouldBlock + " would be blocked, " + shadow.wouldAllow + " would be let in."),
        table(["tenant", "permission", "would block", "would allow"], shadow.byPermission.map((r) => [r.tenant, r.permission, r.wouldBlock, r.wouldAllow])),
        ...(shadow.divergences.length === 0 ? [] : [
          el("h4", {}, "Divergent checks" + (shadow.truncated ? " (a sample; the counts above are complete)" : "")),
          table(["tenant", "subject", "permission", "resource", "now", "candidate", "checks"], shadow.divergences.slice(0, 500).map((d) =>
            [d.tenant, d.subject, d.permission, d.resource, d.active ? "allowed" : "denied", d.candidate ? "allowed" : "denied", d.count])),
        ]),
      ]));
  const status = await api("GET", "/v1/rollout");
  const r = status.rollout;
  $("rollout-status").replaceChildren(...(r === null
    ? [el("p", { class: "muted" }, "No rollout has run yet (gatehouse rollout start CHANGE_ID --tenants A,B).")]
    : [
        el("p", { class: r.state === "running" ? "ready" : r.state === "rolled_back" ? "blocked" : "" },
          "Rollout " + r.id + " of change " + r.changeId + ": " + r.state + ", step " + r.step +
          (r.tenants.length ? ", tenants " + r.tenants.join(", ") : "") + (r.percent ? ", " + r.percent + "% of tenants" : "") +
          (r.endReason ? " \u2014 " + r.endReason : "")),
        ...(status.rolledOut.length ? [el("p", {}, "Answered by the candidate now: " + status.rolledOut.join(", "))] : []),
        ...(status.windows.length === 0 ? [] : [
          el("h4", {}, "Deny-rate monitor windows"),
          table(["permission", "checks", "candidate denies", "baseline denies", "window since"], status.windows.map((w) =>
            [w.permission, w.checks, w.candidateDenies, w.baselineDenies, w.windowStartedAt])),
        ]),
        ...(r.state === "running" ? [el("p", {}, el("button", { class: "danger", onclick: () => api("POST", "/v1/rollout/rollback", { reason: "rolled back from the console" }).then(() => loadRollout()).catch(() => {}) }, "Roll back"))] : []),
      ]));
}
$("rollout-form").addEventListener("submit", (e) => { e.preventDefault(); loadRollout().catch(() => {}); });

async function loadAudit() {
  const form = new FormData($("audit-form"));
  const query = new URLSearchParams();
  for (const key of ["actor", "action"]) if (form.get(key)) query.set(key, form.get(key));
  const { records } = await api("GET", "/v1/audit?" + query);
  $("audit-table").tBodies[0].replaceChildren(...records.slice().reverse().map((r) => el("tr", {},
    el("td", {}, String(r.seq)), el("td", {}, r.at), el("td", {}, r.actor), el("td", {}, r.action), el("td", {}, r.target),
    el("td", {}, r.revision === null ? "" : String(r.revision)), el("td", {}, r.reason || ""))));
}
$("audit-form").addEventListener("submit", (e) => { e.preventDefault(); loadAudit().catch(() => {}); });
</script>
</body>
</html>
`;
