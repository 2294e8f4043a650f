/** Whether a promise has settled yet (fulfilled or rejected), read without waiting for it. */
export function settled(promise: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  promise.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  return state;
}
