export const ROLES = ["check", "write", "propose", "approve", "admin"];
//# sourceMappingURL=token-records.js.map