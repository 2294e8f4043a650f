export {};
//# sourceMappingURL=rollout-records.js.map