import { describe } from "vitest";
import { differentialSeeds } from "./differential.js";

describe("differential against SpiceDB (seeds 1001-1025)", () => {
  differentialSeeds(Array.from({ length: 25 }, (_, i) => i + 1001));
});
