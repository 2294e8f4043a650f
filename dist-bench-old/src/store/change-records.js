export {};
//# sourceMappingURL=change-records.js.map