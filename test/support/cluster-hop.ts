import { HOP_HEADER } from "../../src/cluster/forwarding.js";
import { HopSigner, type HopTarget } from "../../src/cluster/hop.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

/**
 * A hop header as a node of the cluster on `store` signs it (the store's cluster secret), for a
 * test that needs a node to answer a request itself, as a forwarded one, whatever the placement.
 */
export async function signedHop(
  store: string,
  target: HopTarget,
  node = "test",
): Promise<Record<string, string>> {
  const gatehouse = await Gatehouse.open(store);
  try {
    const signer = new HopSigner(await gatehouse.store.clusterSecret());
    return { [HOP_HEADER]: signer.sign(target, { node, client: "127.0.0.1" }) };
  } finally {
    await gatehouse.close();
  }
}
