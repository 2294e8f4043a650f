import { afterEach, describe, expect, it } from "vitest";
import { TESTING_TOKEN_NAME, TestingStores } from "../../src/spicedb/testing-stores.js";

describe("serve --testing's stores", () => {
  let stores: TestingStores | undefined;
  afterEach(async () => {
    await stores?.close();
  });

  it("gives each secret its own empty store, with an admin token of that secret and no guards", async () => {
    stores = new TestingStores();
    const one = await stores.open("secret-one");
    const two = await stores.open("secret-two");
    expect(one.gatehouse).not.toBe(two.gatehouse);
    expect(await stores.open("secret-one")).toBe(one);
    const token = await one.authority.find("secret-one");
    expect(token).toMatchObject({ name: TESTING_TOKEN_NAME, role: "admin", tenants: null });
    // The other store does not know this secret: a token never reaches another token's store.
    expect(await two.authority.find("secret-one")).toBeUndefined();
    expect(await one.gatehouse.readSchema()).toBeUndefined();
    expect((await one.gatehouse.readGuards())?.text).toBe("guards: []\n");
  });

  it("keeps at most its bound, closing the least recently used store", async () => {
    stores = new TestingStores({ max: 2 });
    const a = await stores.open("a");
    const first = await stores.open("b");
    await stores.open("a"); // a is now the most recently used
    await stores.open("c"); // so b goes
    expect(stores.size).toBe(2);
    expect(await stores.open("a")).toBe(a);
    const b = await stores.open("b"); // a fresh, empty store for b; c goes
    expect(b.gatehouse).not.toBe(first.gatehouse);
    await b.gatehouse.writeSchema("definition user {}");
    expect(stores.size).toBe(2);
    expect((await stores.open("b")).gatehouse).toBe(b.gatehouse);
  });
});
