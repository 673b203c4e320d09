import { describe, expect, it } from 'vitest';
import type { SegmentRule } from '../../../../shared/specs/segment';
import {
  addTo,
  asRootGroup,
  conditionValue,
  newLeaf,
  removeAt,
  replaceAt,
  ruleAt,
  ruleProblems,
  setJoin,
  toggleNot,
  windowOfType,
} from './rule-edit';

const defaults = { event: 'app_opened', userProperty: 'plan', segment: 's1', analysis: 'a1' };
const did = (event: string): SegmentRule => ({
  type: 'event',
  event: { event, where: [] },
  op: 'did',
  when: { type: 'ever' },
});

describe('rule tree edits', () => {
  const tree: SegmentRule = { all: [did('a'), { any: [did('b'), { not: did('c') }] }] };

  it('reads a rule by its path, a not by index 0', () => {
    expect(ruleAt(tree, [0])).toEqual(did('a'));
    expect(ruleAt(tree, [1, 1, 0])).toEqual(did('c'));
    expect(ruleAt(tree, [5])).toBeUndefined();
  });

  it('replaces and removes deep in the tree without touching the rest', () => {
    const replaced = replaceAt(tree, [1, 0], did('x'));
    expect(ruleAt(replaced, [1, 0])).toEqual(did('x'));
    expect(ruleAt(tree, [1, 0])).toEqual(did('b'));
    expect(removeAt(tree, [1])).toEqual({ all: [did('a')] });
    expect(removeAt(tree, [1, 1, 0])).toEqual({
      all: [did('a'), { any: [did('b'), { all: [] }] }],
    });
  });

  it('adds to a group, switches AND and OR, and negates', () => {
    expect(addTo({ all: [] }, [], did('a'))).toEqual({ all: [did('a')] });
    expect(addTo(tree, [1], did('d'))).toEqual({
      all: [did('a'), { any: [did('b'), { not: did('c') }, did('d')] }],
    });
    expect(setJoin({ all: [did('a')] }, 'any')).toEqual({ any: [did('a')] });
    expect(toggleNot(did('a'))).toEqual({ not: did('a') });
    expect(toggleNot({ not: did('a') })).toEqual(did('a'));
  });

  it('puts a single leaf in a group at the root, keeps a group as it is', () => {
    expect(asRootGroup(did('a'))).toEqual({ all: [did('a')] });
    expect(asRootGroup({ not: did('a') })).toEqual({ all: [{ not: did('a') }] });
    expect(asRootGroup(tree)).toBe(tree);
  });
});

describe('new leaves', () => {
  it('every type starts as a rule the schema takes, given names to pick', () => {
    for (const type of ['event', 'metric', 'segment', 'outcome'] as const)
      expect(ruleProblems(newLeaf(type, defaults))).toEqual([]);
  });
  it('a user rule without a value says what it needs', () => {
    expect(ruleProblems({ all: [did('a'), newLeaf('user', defaults)] })).toEqual([
      { path: [1], message: 'give a value for plan' },
    ]);
  });
});

describe('ruleProblems', () => {
  it('points at the rule the problem is in', () => {
    const rule: SegmentRule = {
      all: [
        did('a'),
        {
          any: [
            {
              type: 'metric',
              metric: { name: 'f', type: 'featureAdoption', features: [], as: 'share' },
              days: 28,
              op: '>',
              value: 0.5,
            },
          ],
        },
      ],
    };
    expect(ruleProblems(rule)).toEqual([
      { path: [1, 0], message: 'name at least one feature event' },
    ]);
  });
  it('an empty group is a problem of the group itself', () => {
    expect(ruleProblems({ all: [] })).toEqual([{ path: [], message: 'an and-group needs a rule' }]);
    expect(ruleProblems({ all: [{ not: { any: [] } }] })[0]?.path).toEqual([0, 0]);
  });
  it('an at least without times says so', () => {
    const noTimes: SegmentRule = {
      type: 'event',
      event: { event: 'a', where: [] },
      op: 'at least',
      when: { type: 'ever' },
    };
    expect(ruleProblems({ all: [noTimes] })).toEqual([
      { path: [0], message: "'at least' needs times" },
    ]);
  });
});

describe('condition values and windows', () => {
  it('reads a typed value as the operator takes it', () => {
    expect(conditionValue(' free ', '=', false)).toBe('free');
    expect(conditionValue('3', '>', true)).toBe(3);
    expect(conditionValue('3', '=', false)).toBe('3');
    expect(conditionValue('a, b,,c', 'in', false)).toEqual(['a', 'b', 'c']);
    expect(conditionValue('x', 'is set', false)).toBeUndefined();
  });
  it('keeps what carries over when the window type changes', () => {
    expect(windowOfType('last', { type: 'ever' }, '2024-03-07')).toEqual({
      type: 'last',
      days: 30,
    });
    expect(windowOfType('between', { type: 'last', days: 7 }, '2024-03-07')).toEqual({
      type: 'between',
      from: '2024-03-07',
      to: '2024-03-07',
    });
    expect(windowOfType('last', { type: 'last', days: 7 }, '')).toEqual({ type: 'last', days: 7 });
  });
});
