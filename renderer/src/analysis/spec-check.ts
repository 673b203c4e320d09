import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import {
  isConditionGroup,
  isSegmentCondition,
  type ConditionNode,
} from '../../../shared/specs/common';
import { parseAnalysisSpec } from '../../../shared/specs/parse-spec';

/**
 * Why the question in the builder cannot run yet, in the analyst's words, or null when it can.
 * A half-written question (a "+ where" without its property yet) is not an error to send to
 * the engine: the view waits, keeps the last answer, and says what is missing.
 */
export function incompleteBecause(spec: AnalysisSpec): string | null {
  const blank = blankConditions(spec);
  if (blank > 0) {
    return blank === 1
      ? 'A condition has no property yet: pick one, or remove the condition.'
      : `${blank} conditions have no property yet: pick one for each, or remove them.`;
  }
  const parsed = parseAnalysisSpec(spec);
  if (parsed.ok) return null;
  return `The question is not complete yet: ${parsed.issues.join('; ')}.`;
}

function blankConditions(spec: AnalysisSpec): number {
  let count = 0;
  const visit = (nodes: readonly ConditionNode[]): void => {
    for (const node of nodes) {
      if (isConditionGroup(node)) visit('any' in node ? node.any : node.all);
      else if (!isSegmentCondition(node) && node.property.trim() === '') count++;
    }
  };
  // Conditions sit in `where` lists and `filters`, at any depth of the spec.
  const walk = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      if (key === 'where' || key === 'filters') visit(value as ConditionNode[]);
      else value.forEach((item) => walk(item, ''));
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(spec, '');
  return count;
}
