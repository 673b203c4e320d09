import { scoreSpecSchema } from '../../../../shared/specs/score';
import {
  isRuleGroup,
  segmentRuleSchema,
  type EventWindow,
  type LeafType,
  type RuleLeaf,
  type SegmentRule,
} from '../../../../shared/specs/segment';
import type { PropertyOperator } from '../../../../shared/specs/common';

/*
 * Editing a segment's rule tree in the builder: a rule is addressed by its path of child
 * indexes from the root (a `not` has one child, index 0); every edit returns a new tree.
 */

export type RulePath = readonly number[];
export type Group = { all: SegmentRule[] } | { any: SegmentRule[] } | { not: SegmentRule };

export function childrenOf(rule: SegmentRule): SegmentRule[] {
  if ('all' in rule) return rule.all;
  if ('any' in rule) return rule.any;
  if ('not' in rule) return [rule.not];
  return [];
}

function withChildren(group: Group, children: SegmentRule[]): SegmentRule {
  if ('all' in group) return { all: children };
  if ('any' in group) return { any: children };
  // A not holds exactly one rule; removing it leaves the not empty, which the schema refuses.
  const only = children[0];
  return only === undefined ? { all: [] } : { not: only };
}

export function ruleAt(rule: SegmentRule, path: RulePath): SegmentRule | undefined {
  let at: SegmentRule | undefined = rule;
  for (const i of path) at = at === undefined ? undefined : childrenOf(at)[i];
  return at;
}

/** The tree with the rule at `path` replaced (by `next`, or removed when next is null). */
export function replaceAt(
  rule: SegmentRule,
  path: RulePath,
  next: SegmentRule | null,
): SegmentRule {
  const [head, ...rest] = path;
  if (head === undefined) return next ?? { all: [] };
  if (!isRuleGroup(rule)) return rule;
  const children = childrenOf(rule);
  const child = children[head];
  if (child === undefined) return rule;
  const replaced = rest.length === 0 ? next : replaceAt(child, rest, next);
  return withChildren(
    rule,
    replaced === null
      ? children.filter((_, i) => i !== head)
      : children.map((c, i) => (i === head ? replaced : c)),
  );
}

export const removeAt = (rule: SegmentRule, path: RulePath): SegmentRule =>
  replaceAt(rule, path, null);

/** Adds a rule at the end of the group at `path` (a not's rule is replaced). */
export function addTo(rule: SegmentRule, path: RulePath, child: SegmentRule): SegmentRule {
  const group = ruleAt(rule, path);
  if (group === undefined || !isRuleGroup(group)) return rule;
  const next = 'not' in group ? { not: child } : withChildren(group, [...childrenOf(group), child]);
  return replaceAt(rule, path, next);
}

/** An and-group becomes an or-group with the same rules, and back. */
export function setJoin(group: SegmentRule, join: 'all' | 'any'): SegmentRule {
  if (!isRuleGroup(group) || 'not' in group) return group;
  const children = childrenOf(group);
  return join === 'all' ? { all: children } : { any: children };
}

/** Negates a rule, or takes its negation off. */
export const toggleNot = (rule: SegmentRule): SegmentRule =>
  'not' in rule ? rule.not : { not: rule };

/** The builder edits a group at its root: a single leaf (a template's Dormant) is put in one. */
export function asRootGroup(rule: SegmentRule): SegmentRule {
  return 'all' in rule || 'any' in rule ? rule : { all: [rule] };
}

/** What the builder's first choices are on this workspace. */
export interface LeafDefaults {
  event: string;
  userProperty: string;
  segment: string;
  analysis: string;
}

export function newLeaf(type: LeafType, d: LeafDefaults): RuleLeaf {
  switch (type) {
    case 'event':
      return {
        type: 'event',
        event: { event: d.event, where: [] },
        op: 'did',
        when: { type: 'last', days: 30 },
      };
    case 'metric':
      return {
        type: 'metric',
        metric: {
          name: 'count_per_week',
          type: 'count',
          events: [{ event: d.event, where: [] }],
          per: 'week',
        },
        days: 28,
        op: '>=',
        value: 1,
      };
    case 'user':
      return { type: 'user', property: d.userProperty, op: '=', value: '' };
    case 'segment':
      return { type: 'segment', segment: d.segment, op: 'in' };
    case 'outcome':
      return {
        type: 'outcome',
        analysis: d.analysis,
        select: { kind: 'funnel', step: 2, outcome: 'dropped' },
      };
    case 'score':
      return { type: 'score', score: scoreSpecSchema.parse({ type: 'health' }), band: 'at risk' };
  }
}

export const LEAF_LABELS: Record<LeafType, string> = {
  event: 'Event',
  metric: 'Per-user metric',
  user: 'User property',
  segment: 'Another segment',
  outcome: 'Outcome of an analysis',
  score: 'Health or behavioural score',
};

/** An event condition's window when its type is switched, keeping what carries over. */
export function windowOfType(type: EventWindow['type'], was: EventWindow, today: string) {
  const days = was.type === 'last' ? was.days : 30;
  switch (type) {
    case 'ever':
      return { type } as const;
    case 'last':
      return { type, days } as const;
    case 'between':
      return was.type === 'between' ? was : ({ type, from: today, to: today } as const);
    case 'sinceStart':
      return was.type === 'sinceStart' ? was : ({ type, from: 0, to: 7 } as const);
  }
}

const NO_VALUE: PropertyOperator[] = ['is set', 'is not set'];
const LIST: PropertyOperator[] = ['in', 'not in'];

type Scalar = string | number | boolean;
/** A property condition's value as typed: nothing, a list (a, b, c), a number, or text. */
export function conditionValue(
  text: string,
  op: PropertyOperator,
  numeric: boolean,
): Scalar | Scalar[] | undefined {
  const one = (raw: string): Scalar => {
    const t = raw.trim();
    return numeric && t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
  };
  if (NO_VALUE.includes(op)) return undefined;
  if (LIST.includes(op))
    return text
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .map(one);
  return one(text);
}

export function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return value === undefined || value === null ? '' : String(value);
}

/** One thing the schema says is missing or wrong, and the rule it is about. */
export interface RuleProblem {
  /** The path of the rule (leaf or group) the problem is in. */
  path: number[];
  message: string;
}

/**
 * What keeps a rule from being counted, checked here with the engine's own schema so an
 * incomplete rule says where it is incomplete before any request ("name at least one feature
 * event" under the metric it is about).
 */
export function ruleProblems(rule: SegmentRule): RuleProblem[] {
  const parsed = segmentRuleSchema.safeParse(rule);
  if (parsed.success) return emptyValues(rule, []);
  return parsed.error.issues.map((issue) => {
    const path: number[] = [];
    let at: SegmentRule | undefined = rule;
    const keys = issue.path;
    for (let k = 0; k < keys.length && at !== undefined && isRuleGroup(at); k++) {
      const key = keys[k];
      if (key === 'not' && 'not' in at) {
        path.push(0);
        at = at.not;
      } else if ((key === 'all' || key === 'any') && typeof keys[k + 1] === 'number') {
        const i = keys[k + 1] as number;
        path.push(i);
        at = childrenOf(at)[i];
        k++;
      } else break;
    }
    return { path, message: issue.message };
  });
}

/**
 * A user property compared with nothing typed yet: the schema takes '' (a value can be empty
 * text), but in the builder it is a value not given yet.
 */
function emptyValues(rule: SegmentRule, path: number[]): RuleProblem[] {
  if (isRuleGroup(rule)) return childrenOf(rule).flatMap((c, i) => emptyValues(c, [...path, i]));
  if (rule.type !== 'user') return [];
  const empty = rule.value === '' || (Array.isArray(rule.value) && rule.value.length === 0);
  return empty ? [{ path, message: `give a value for ${rule.property || 'the property'}` }] : [];
}

export const samePath = (a: RulePath, b: RulePath): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
