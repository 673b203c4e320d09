import { analysisSpecSchema, type AnalysisKind, type AnalysisSpec } from './analysis-spec';

/** Every kind of analysis spec, in the union's order. */
export const ANALYSIS_KINDS: readonly AnalysisKind[] = analysisSpecSchema.options.map(
  (option) => option.shape.kind.value,
);

export type SpecParse =
  { ok: true; spec: AnalysisSpec } | { ok: false; message: string; issues: string[] };

/**
 * A spec from outside the builder (an imported file, a saved row, the browser's storage) as the
 * builder may edit it: checked against the schema of its own kind, defaults filled in. Raw JSON
 * must never reach the builders: a file that omits a defaulted list (`filters`, an event's
 * `where`) would otherwise crash the view on `.length` of undefined. Keys the schema does not
 * know are refused by name rather than dropped, so a typo (`"breakdwon"`) is not silently lost.
 */
export function parseAnalysisSpec(
  value: unknown,
  options: {
    /** `drop`: for what the app itself wrote (a key an older version used is no reason to lose it). */
    unknownKeys?: 'refuse' | 'drop';
  } = {},
): SpecParse {
  const kinds = ANALYSIS_KINDS.join(', ');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(
      `This is not an analysis spec: a JSON object with a "kind" (${kinds}) is expected.`,
    );
  }
  const kind = (value as { kind?: unknown }).kind;
  if (kind === undefined) return refuse(`The spec has no "kind"; it is one of: ${kinds}.`);
  const schema = analysisSpecSchema.options.find((option) => option.shape.kind.value === kind);
  if (schema === undefined) {
    return refuse(`${JSON.stringify(kind)} is not a kind of analysis; the kinds are: ${kinds}.`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    // A misspelt key is usually why a required one is missing: name it first, with the field
    // it is closest to ("stepz" -> steps), rather than only "steps: expected array".
    const fields = Object.keys(schema.shape);
    const strays =
      options.unknownKeys === 'drop'
        ? []
        : Object.keys(value)
            .filter((key) => !fields.includes(key))
            .map((key) => `${key}: not a field of a ${String(kind)} spec${nearest(key, fields)}`);
    return refuse(
      '',
      [...strays, ...parsed.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`)],
      String(kind),
    );
  }
  const unknown = options.unknownKeys === 'drop' ? [] : unknownKeys(value, parsed.data, '');
  if (unknown.length > 0) {
    return refuse(
      '',
      unknown.map(
        (key) =>
          `${key}: not a field of a ${String(kind)} spec${key.includes('.') ? '' : nearest(key, Object.keys(schema.shape))}`,
      ),
      String(kind),
    );
  }
  return { ok: true, spec: parsed.data };
}

function refuse(message: string, issues: string[] = [], kind?: string): SpecParse {
  if (issues.length === 0) return { ok: false, message, issues: [message] };
  const count = issues.length === 1 ? 'a problem' : `${issues.length} problems`;
  return {
    ok: false,
    message: `The ${kind ?? ''} spec has ${count}: ${issues.join('; ')}.`,
    issues,
  };
}

/** Keys of the input that the schema stripped from its output (zod drops what it does not know). */
function unknownKeys(input: unknown, output: unknown, at: string): string[] {
  if (Array.isArray(input) && Array.isArray(output)) {
    return input.flatMap((item, i) =>
      unknownKeys(item, output[i], `${at}${at === '' ? '' : '.'}${i}`),
    );
  }
  if (!isRecord(input) || !isRecord(output)) return [];
  return Object.keys(input).flatMap((key) => {
    const path = at === '' ? key : `${at}.${key}`;
    return Object.hasOwn(output, key) ? unknownKeys(input[key], output[key], path) : [path];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ' (did you mean X?)' for the field within two edits of `key`, else ''. */
function nearest(key: string, fields: string[]): string {
  let best: { field: string; distance: number } | undefined;
  for (const field of fields) {
    const distance = editDistance(key.toLowerCase(), field.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance))
      best = { field, distance };
  }
  return best === undefined ? '' : ` (did you mean ${best.field}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
