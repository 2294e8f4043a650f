export {};
//# sourceMappingURL=change-context.js.map