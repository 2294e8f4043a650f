export {};
//# sourceMappingURL=purge-facts.js.map