import { describe, expect, it } from "vitest";
import { ObjectKeys } from "../../src/engine/object-keys.js";

/** Keys a snapshot brought (one text, their ends) and keys added after, read every way. */
describe("object keys", () => {
  const adopted = ["doc:a", "user:*", "doc:a-much-longer-id/with=punctuation", "team:t"];
  const ends = new Int32Array(adopted.length);
  adopted.reduce((end, key, n) => {
    ends[n] = end + key.length;
    return ends[n]!;
  }, 0);

  it("gives an adopted key, its length and where it is, as the key itself", () => {
    const keys = ObjectKeys.adopt(adopted.join(""), ends);
    keys.push("user:later");
    const all = [...adopted, "user:later"];
    expect(keys.length).toBe(all.length);
    // Located before and after it is cut out: the same characters either way.
    for (const pass of [0, 1])
      for (const [object, key] of all.entries()) {
        expect(keys.lengthOf(object), `${object} pass ${pass}`).toBe(key.length);
        const source = keys.locate(object);
        expect(source.slice(keys.from, keys.to)).toBe(key);
        if (pass === 0) expect(keys.all()).toEqual(all);
        else expect(keys.get(object)).toBe(key);
      }
    expect(() => keys.get(all.length)).toThrow(RangeError);
  });

  it("refuses ends that do not reach the end of the text", () => {
    expect(() => ObjectKeys.adopt(`${adopted.join("")}x`, ends)).toThrow(/do not end where their text does/);
  });

  it("starts empty and takes keys in order", () => {
    const keys = new ObjectKeys();
    keys.push("doc:1");
    keys.push("doc:2");
    expect(keys.all()).toEqual(["doc:1", "doc:2"]);
    expect(keys.get(1)).toBe("doc:2");
  });
});
