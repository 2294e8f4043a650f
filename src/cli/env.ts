/** An environment variable; an empty one counts as unset, as shells make it easy to set one to "". */
export function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}
