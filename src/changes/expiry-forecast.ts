import { dependents } from "../engine/access-diff.js";
import type { DataIndex } from "../engine/data-index.js";
import { Evaluator } from "../engine/evaluator.js";
import { explainCheck } from "../engine/explain.js";
import { resolveSubject } from "../engine/subject.js";
import type { Relationship } from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import {
  answerConditionally,
  conditionalDiff,
  conditionalQuestions,
  permissionIn,
} from "./conditional-plan.js";

/** One access that ends by expiration within the window: at `at`, `subject` loses `permission` on `resource`. */
export interface ExpiringAccess {
  readonly tenant: string;
  readonly at: string;
  readonly resource: string;
  readonly permission: string;
  readonly subject: string;
  /** For a wildcard subject (`user:*`): the subjects of its type that do not lose it then. */
  readonly except?: readonly string[];
  /** The access lost was only conditional (see AccessRow.conditional). */
  readonly conditional?: {
    readonly caveats: readonly { name: string }[];
    readonly missing: readonly string[];
  };
  /** Only unconditional access is lost; access under this condition remains. */
  readonly stillConditional?: {
    readonly caveats: readonly { name: string }[];
    readonly missing: readonly string[];
  };
}

/**
 * Who will lose which access when, because relationships expire: the expiry forecast. Computed
 * like a plan, one expiration time at a time: the answers just before the time against the
 * answers at it (an expired relationship grants nothing from its time on), for every permission
 * of every object that can depend on the expiring relationships, so an access that is also
 * granted otherwise is not lost. `expiring` are the tenant's live relationships whose expiration
 * falls in the window; the index must hold them.
 */
export function forecastExpiry(
  tenant: string,
  data: DataIndex,
  schema: CompiledSchema,
  expiring: readonly Relationship[],
): ExpiringAccess[] {
  const byTime = new Map<string, Relationship[]>();
  for (const r of expiring) {
    if (r.expiresAt === undefined) continue;
    const list = byTime.get(r.expiresAt) ?? [];
    list.push(r);
    byTime.set(r.expiresAt, list);
  }
  const out: ExpiringAccess[] = [];
  for (const [at, ending] of [...byTime].sort(([a], [b]) => Date.parse(a) - Date.parse(b))) {
    const ms = Date.parse(at);
    const seeds = ending
      .map((r) => data.objectOf(r.resource.type, r.resource.id))
      .filter((o): o is number => o !== undefined);
    const questions = conditionalQuestions(data, [schema], dependents(data, seeds));
    const answersAt = (clock: number) => {
      return answerConditionally(new Evaluator(schema, data, { now: () => clock }), questions);
    };
    const diff = conditionalDiff(
      {
        tenant,
        data,
        schemaBefore: schema,
        schemaAfter: schema,
        nowMs: ms,
        questions,
        before: answersAt(ms - 1),
        explainBefore: (object, permission, subject) =>
          explainCheck(
            new Evaluator(schema, data, { now: () => ms - 1 }),
            object,
            permissionIn(schema, data, object, permission)!,
            resolveSubject(data, subject),
          ),
      },
      answersAt(ms),
    );
    for (const row of diff.lost) {
      out.push({
        tenant,
        at,
        resource: row.resource,
        permission: row.permission,
        subject: row.subject,
        ...(row.except !== undefined ? { except: row.except } : {}),
        ...(row.conditional !== undefined ? { conditional: row.conditional } : {}),
        ...(row.stillConditional !== undefined ? { stillConditional: row.stillConditional } : {}),
      });
    }
  }
  return out;
}
