import type { z } from 'zod';
import { issueLines } from './strict';
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
  const input = options.unknownKeys === 'drop' ? withoutUnknownKeys(schema, value) : value;
  const parsed = schema.safeParse(input);
  if (!parsed.success) return refuse('', issueLines(parsed.error.issues, 'spec'), String(kind));
  return { ok: true, spec: parsed.data };
}

/** `value` without the keys the schema does not know (what an older version of the app wrote). */
function withoutUnknownKeys(schema: z.ZodType, value: unknown): unknown {
  const current: unknown = JSON.parse(JSON.stringify(value)) as unknown;
  // Each round removes the strays zod reports; nested strays surface once their parent parses.
  for (let round = 0; round < 8; round++) {
    const parsed = schema.safeParse(current);
    if (parsed.success) return current;
    const strays = parsed.error.issues.filter((i) => i.code === 'unrecognized_keys');
    if (strays.length === 0) return current;
    for (const issue of strays) {
      let at: unknown = current;
      for (const key of issue.path)
        at =
          isRecord(at) || Array.isArray(at) ? (at as Record<PropertyKey, unknown>)[key] : undefined;
      if (isRecord(at)) for (const key of issue.keys) Reflect.deleteProperty(at, key);
    }
  }
  return current;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
