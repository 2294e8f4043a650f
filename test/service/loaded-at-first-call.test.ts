import { describe, expect, it } from "vitest";
import { loadedAtFirstCall } from "../../src/service/loaded-at-first-call.js";

class Counter {
  #count = 0;

  async add(n: number): Promise<number> {
    this.#count += n;
    return this.#count;
  }

  async fail(): Promise<never> {
    throw new Error(`failed at ${this.#count}`);
  }
}

describe("loadedAtFirstCall", () => {
  it("loads nothing until a method is called, then once, and calls the object it loaded", async () => {
    let loads = 0;
    const counter = loadedAtFirstCall(async () => {
      loads++;
      return new Counter();
    });
    expect(loads).toBe(0);
    const add = counter.add; // a method taken off the stand-in still reaches the object
    expect(loads).toBe(0);
    // Two calls before the load is done share it: one object counts both.
    expect(await Promise.all([counter.add(1), add(2)])).toEqual([1, 3]);
    expect(await counter.add(4)).toBe(7);
    expect(loads).toBe(1);
  });

  it("rejects with the method's own error, and with a failed load's", async () => {
    const counter = loadedAtFirstCall(async () => new Counter());
    await counter.add(2);
    await expect(counter.fail()).rejects.toThrow("failed at 2");
    const broken = loadedAtFirstCall<Counter>(async () => {
      throw new Error("cannot load");
    });
    await expect(broken.add(1)).rejects.toThrow("cannot load");
  });

  it("is not taken for a promise: awaiting it gives the stand-in, without loading", async () => {
    let loads = 0;
    const counter = loadedAtFirstCall(async () => {
      loads++;
      return new Counter();
    });
    expect(await counter).toBe(counter);
    expect(await Promise.resolve(counter)).toBe(counter);
    expect(loads).toBe(0);
  });
});
