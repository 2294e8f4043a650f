import { formatRelationship } from "../model/relationship.js";
import { parseFilter } from "./filter-text.js";
import type { Gatehouse } from "./gatehouse.js";
import type { Operations } from "./operations.js";
import type { ChangeState } from "./records.js";
import type { ExplainView } from "./views/explain.js";

/*
 * The views, and the change-file parser, are loaded by the operations that use them: their
 * TypeBox schemas and the YAML parser are about 200 modules (0.2 s of CPU) that a cold
 * `gatehouse permission check` would load only to answer `true`; so are the guards' defaults,
 * whose module brings the guard file's parser.
 */
const changeViews = () => import("./views/change.js");
const queryViews = () => import("./views/query.js");
const relationshipViews = () => import("./views/relationship.js");
const tokenViews = () => import("./views/token.js");
const changeFiles = () => import("../changes/change-file.js");
const guardFiles = () => import("../changes/guards.js");

/** Who acts, and through which door: the CLI's `--as`, recorded with every write. */
export interface LocalActor {
  readonly actor: string;
  readonly door: string;
}

/**
 * The operations over a store this process opened: `Gatehouse`'s answers in the views' JSON
 * shapes, as the HTTP API answers them.
 */
export class LocalOperations implements Operations {
  readonly where: string;

  constructor(
    private readonly gatehouse: Gatehouse,
    private readonly who: LocalActor,
    where: string,
  ) {
    this.where = where;
  }

  private get actor() {
    return { actor: this.who.actor };
  }

  async readSchema(): ReturnType<Operations["readSchema"]> {
    const version = await this.gatehouse.readSchema();
    if (!version) return null;
    const { text, version: number, revision, createdAt, author } = version;
    return { schema: text, version: number, revision, createdAt, author };
  }

  async writeSchema(text: string, options: { file: string; reason?: string | undefined }) {
    const written = await this.gatehouse.writeSchema(text, {
      file: options.file,
      ...this.actor,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
    });
    const { version, revision, change, gained, lost, warnings } = written;
    return { version, revision, change, gained, lost, warnings };
  }

  async writeRelationships(tenant: string, updates: Parameters<Operations["writeRelationships"]>[1]) {
    const result = await this.gatehouse.writeRelationships(tenant, updates, {
      ...this.actor,
      door: this.who.door,
    });
    return {
      revision: result.revision,
      created: result.created.map(formatRelationship),
      deleted: result.deleted.map(formatRelationship),
    };
  }

  async deleteRelationships(
    tenant: string,
    filter: Parameters<Operations["deleteRelationships"]>[1],
    reason?: string,
  ) {
    const result = await this.gatehouse.deleteRelationships(
      tenant,
      parseFilter(filter.resource, filter.relation, filter.subject),
      { ...this.actor, door: this.who.door, ...(reason ? { reason } : {}) },
    );
    return { revision: result.revision, created: [], deleted: result.deleted.map(formatRelationship) };
  }

  async readRelationships(...[tenant, filter, page]: Parameters<Operations["readRelationships"]>) {
    const answer = await this.gatehouse.readRelationshipsPage(
      tenant,
      parseFilter(filter.resource, filter.relation, filter.subject),
      page,
    );
    return {
      relationships: answer.relationships.map((await relationshipViews()).relationshipView),
      revision: answer.revision,
      cursor: answer.cursor,
    };
  }

  async importRelationships(...[tenant, source, options]: Parameters<Operations["importRelationships"]>) {
    const result = await this.gatehouse.importRelationshipsFrom(tenant, source, {
      file: options.file,
      ...this.actor,
      door: this.who.door,
      onProgress: options.onProgress,
    });
    return { revision: result.revision, created: result.created };
  }

  async check(...[tenant, request, options]: Parameters<Operations["check"]>) {
    const consistency = { atLeastRevision: options.atLeastRevision };
    const { allowed, conditional, revision, schema } = await this.gatehouse.check(
      tenant,
      request,
      consistency,
    );
    const answer = conditional
      ? { allowed, conditional: [...conditional], revision, schema }
      : { allowed, revision, schema };
    if (!options.explain) return answer;
    const { tree } = await this.gatehouse.explain(tenant, request, consistency);
    // The view's arrays are mutable only in their type: the tree is read, never changed.
    return { ...answer, explain: tree as ExplainView };
  }

  async checkBatch(...[tenant, requests, options]: Parameters<Operations["checkBatch"]>) {
    return (await queryViews()).checkBatchView(await this.gatehouse.checkBatch(tenant, requests, options));
  }

  async checkBatchText(...[tenant, text, file, options]: Parameters<Operations["checkBatchText"]>) {
    return (await queryViews()).checkBatchView(
      await this.gatehouse.checkBatchText(tenant, text, file, options),
    );
  }

  async lookupResources(
    ...[tenant, type, permission, subject, options]: Parameters<Operations["lookupResources"]>
  ) {
    return (await queryViews()).lookupResourcesView(
      await this.gatehouse.lookupResources(tenant, type, permission, subject, options),
    );
  }

  async lookupSubjects(
    ...[tenant, resource, permission, type, relation, options]: Parameters<Operations["lookupSubjects"]>
  ) {
    return (await queryViews()).lookupSubjectsView(
      await this.gatehouse.lookupSubjects(tenant, resource, permission, type, relation, options),
    );
  }

  async proposeChange(tenant: string, text: string, file: string) {
    const record = await this.gatehouse.changes.propose((await changeFiles()).parseChangeFile(text, file), {
      tenant,
      ...this.actor,
    });
    return (await changeViews()).changeSummaryJson(record);
  }

  async planChange(id: number) {
    const { change, plan } = await this.gatehouse.changes.plan(id, this.actor);
    return { plan: (await changeViews()).planJson(change, plan), reason: change.reason };
  }

  async approveChange(id: number, options: { plan?: string; comment?: string }) {
    const { change, plan, approved } = await this.gatehouse.changes.approve(id, {
      ...this.actor,
      ...options,
    });
    return { approval: { ...(await changeViews()).planJson(change, plan), approved }, by: this.who.actor };
  }

  async withdrawChange(id: number, reason?: string) {
    const change = await this.gatehouse.changes.withdraw(id, {
      ...this.actor,
      ...(reason ? { reason } : {}),
    });
    return { change: (await changeViews()).changeSummaryJson(change), by: this.who.actor };
  }

  async rejectChange(id: number, reason: string) {
    const change = await this.gatehouse.changes.reject(id, { ...this.actor, reason });
    return { change: (await changeViews()).changeSummaryJson(change), by: this.who.actor };
  }

  async applyChange(id: number) {
    const { change, plan, revision } = await this.gatehouse.changes.apply(id, this.actor);
    const purge = plan.purge;
    return {
      id: change.id,
      state: change.state,
      revision,
      ...(purge
        ? { purge: { ...purge, deletions: [...purge.deletions], relationships: [...purge.relationships] } }
        : {}),
    };
  }

  async revertChange(id: number, reason?: string) {
    const { revert, plan, applied, existing } = await this.gatehouse.changes.revert(id, {
      ...this.actor,
      ...(reason ? { reason } : {}),
    });
    return {
      revert: { ...(await changeViews()).planJson(revert, plan), applied, existing, revertOf: id },
      appliedRevision: revert.appliedRevision,
    };
  }

  async listChanges(filter: { tenant?: string; state?: string }) {
    const rows = await this.gatehouse.listChangeSummaries({
      ...(filter.tenant !== undefined ? { tenant: filter.tenant } : {}),
      ...(filter.state !== undefined ? { state: filter.state as ChangeState } : {}),
    });
    return rows.map((await changeViews()).changeSummaryJson);
  }

  async showChange(id: number) {
    const { change, history } = await this.gatehouse.changeWithHistory(id);
    return (await changeViews()).changeDetailJson(change, history);
  }

  async listAudit(filter: Parameters<Operations["listAudit"]>[0]) {
    return (await this.gatehouse.audit.list(filter)).map((record) => ({ ...record }));
  }

  verifyAudit() {
    return this.gatehouse.audit.verify();
  }

  async proposeLifecycle(
    ...[operation, scope, tenant, target, options]: Parameters<Operations["proposeLifecycle"]>
  ) {
    const who = { tenant, ...this.actor, ...(options.reason ? { reason: options.reason } : {}) };
    if (operation === "purge") {
      const { change, purge } = await this.gatehouse.lifecycle.purge(scope, target, {
        ...who,
        exportDir: options.exportDir,
      });
      return { proposal: (await changeViews()).proposalJson(change, purge), writes: 0 };
    }
    const change = await this.gatehouse.lifecycle[operation](scope, target, who);
    return {
      proposal: (await changeViews()).proposalJson(change),
      writes: operation === "restore" ? change.spec.writes.length : 0,
    };
  }

  async mergeSubjects(tenant: string, from: string, into: string, reason?: string) {
    const change = await this.gatehouse.lifecycle.merge(from, into, {
      tenant,
      ...this.actor,
      ...(reason ? { reason } : {}),
    });
    return (await changeViews()).proposalJson(change);
  }

  async retention() {
    return { ...(await this.gatehouse.lifecycle.retention()) };
  }

  async setRetention(days: number, reason?: string) {
    return {
      ...(await this.gatehouse.lifecycle.setRetention(days, {
        ...this.actor,
        ...(reason ? { reason } : {}),
      })),
    };
  }

  async collectExpired(reason?: string) {
    return this.gatehouse.lifecycle.collectExpired({ ...this.actor, ...(reason ? { reason } : {}) });
  }

  async proposeRestore(...[tenant, toRevision, filter, reason]: Parameters<Operations["proposeRestore"]>) {
    const change = await this.gatehouse.changes.restore(
      tenant,
      toRevision,
      parseFilter(filter.resource, filter.relation, filter.subject),
      { ...this.actor, ...(reason ? { reason } : {}) },
    );
    return {
      change: (await changeViews()).changeSummaryJson(change),
      writes: change.spec.writes.length,
      deletes: change.spec.deletes.length,
    };
  }

  async showRevision(revision: number) {
    return { ...(await this.gatehouse.revisionRecord(revision)) };
  }

  async listRevisions(filter: Parameters<Operations["listRevisions"]>[0]) {
    return (await this.gatehouse.listRevisions(filter)).map((record) => ({ ...record }));
  }

  async readGuards() {
    const { DEFAULT_GUARDS_TEXT } = await guardFiles();
    return (await changeViews()).guardsJson(await this.gatehouse.readGuards(), DEFAULT_GUARDS_TEXT);
  }

  async writeGuards(text: string, file: string) {
    return { version: await this.gatehouse.changes.writeGuards(text, { ...this.actor, file }) };
  }

  async createToken(input: Parameters<Operations["createToken"]>[0]) {
    const { token, secret } = await this.gatehouse.tokens.create({ ...input, ...this.actor });
    return (await tokenViews()).newTokenJson(token, secret);
  }

  async listTokens() {
    return (await this.gatehouse.tokens.list()).map((await tokenViews()).tokenJson);
  }

  async revokeToken(name: string) {
    return (await tokenViews()).tokenJson(await this.gatehouse.tokens.revoke(name, this.who.actor));
  }

  close(): Promise<void> {
    return this.gatehouse.close();
  }
}
