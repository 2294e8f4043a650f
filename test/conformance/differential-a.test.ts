import { describe } from "vitest";
import { differentialSeeds } from "./differential.js";

// Split in two files so that both cores work (vitest runs files in parallel).
describe("differential against SpiceDB (seeds 1-25)", () => {
  differentialSeeds(Array.from({ length: 25 }, (_, i) => i + 1));
});
