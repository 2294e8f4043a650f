/** An object whose public members are all methods answering a promise. */
export type AsyncMethods<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never;
};

/**
 * Stands for an object that is made only when one of its methods is first called: `load`
 * (a dynamic `import()` of its module, then `new`) runs then, once, and every call goes to what
 * it answered. For `Gatehouse.changes` and `Gatehouse.lifecycle`, whose modules (plans, guards,
 * deletions, purges) a cold `permission check` never calls but would load with the Gatehouse.
 * Only methods that answer a promise can be called before the object exists, so `T` must have
 * no other public member (a field, a getter, a synchronous method): the type says so. A method's
 * own errors, and a failed load, reject its promise, as an async method's do.
 */
export function loadedAtFirstCall<T extends AsyncMethods<T>>(load: () => Promise<T>): T {
  let loaded: Promise<T> | undefined;
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy({} as T, {
    get: (_, property) => {
      // Not a method's name: a symbol (a runtime's inspection), or `then`, which must stay
      // undefined so that the stand-in is not taken for a promise when it is awaited or returned.
      if (typeof property !== "string" || property === "then") return undefined;
      let method = methods.get(property);
      if (method === undefined) {
        method = async (...args: unknown[]) => {
          loaded ??= load();
          const target = await loaded;
          const member = Reflect.get(target as object, property) as (...args: unknown[]) => Promise<unknown>;
          return member.apply(target, args);
        };
        methods.set(property, method);
      }
      return method;
    },
  });
}
