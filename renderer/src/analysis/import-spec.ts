import type { AnalysisKind as SpecKind, AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { parseAnalysisSpec } from '../../../shared/specs/parse-spec';
import { KIND_TITLES } from '../../../shared/specs/analyses';

/** The view each kind of spec opens in, by its name in the rail (from its definition). */
export { KIND_TITLES };

/**
 * A spec file chosen with "Import spec", for the view of `kind`: parsed, checked against the
 * schema of its own kind (defaults filled in, unknown keys refused), and of this view's kind.
 * Every failure is a sentence naming the file and what to do, for the view to show.
 */
export function importSpec(
  fileName: string,
  text: string,
  kind: SpecKind,
): { ok: true; spec: AnalysisSpec } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `${fileName} is not JSON (${why}). A spec is a JSON object.` };
  }
  const parsed = parseAnalysisSpec(value);
  if (!parsed.ok) return { ok: false, message: `${fileName}: ${parsed.message}` };
  if (parsed.spec.kind !== kind) {
    const other = parsed.spec.kind;
    return {
      ok: false,
      message:
        other === 'eventTypes'
          ? `${fileName} is an eventTypes spec: the Events view lists event types, and \`workbench run ${fileName}\` runs it.`
          : `${fileName} is a ${other} spec, not a ${kind} one: import it in the ${KIND_TITLES[other]} view.`,
    };
  }
  return { ok: true, spec: parsed.spec };
}
