import type { FastifyInstance } from "fastify";
import type { Engine } from "../engine/engine.js";
import type { MemoryBudget } from "./memory-budget.js";

/**
 * Keeps the server within its `--memory-budget`: each answer of a tenant this node has loaded
 * marks it used, then the least recently used others are dropped until the estimate fits. Done
 * after the answer is sent, so that the caller never waits for it.
 */
export function installMemoryBudget(app: FastifyInstance, engine: Engine, budget: MemoryBudget): void {
  app.addHook("onResponse", (request, _reply, done) => {
    const tenant = (request.params as { tenant?: string } | undefined)?.tenant;
    if (tenant !== undefined && engine.hasTenant(tenant)) {
      budget.used(tenant);
      const dropped = budget.enforce(tenant);
      if (dropped.length > 0)
        request.log.info(
          { dropped, budget: budget.bytes },
          "memory budget: dropped the least recently used tenants",
        );
    }
    done();
  });
}
