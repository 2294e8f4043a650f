export {};
//# sourceMappingURL=decision-records.js.map