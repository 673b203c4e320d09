/**
 * Sets or removes an optional field of a spec: a removed field is absent, never `undefined`,
 * so the spec the view runs, saves and exports is the same JSON `workbench run` reads.
 */
export function withOptional<T extends object, K extends string, V>(
  spec: T,
  key: K,
  value: V | undefined,
): T {
  const { [key]: _, ...rest } = spec as Record<string, unknown>;
  return (value === undefined ? rest : { ...rest, [key]: value }) as T;
}

/** `list` with its i-th item replaced: how a builder edits one step, series or formula. */
export function replaceAt<T>(list: readonly T[], i: number, item: T): T[] {
  return list.map((x, j) => (j === i ? item : x));
}
