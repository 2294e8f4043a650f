import { registerLifecycleCommands } from "./subject.js";
export function registerTenant(program, globals) {
    const tenant = program
        .command("tenant")
        .description("soft delete, restore and purge a whole tenant (every relationship in it)");
    registerLifecycleCommands(tenant, "tenant", globals);
}
//# sourceMappingURL=tenant.js.map