import { describe, expect, it } from 'vitest';
import { ANALYSIS_KINDS, parseAnalysisSpec } from './parse-spec';

// The shape of docs/specs/funnel.json: every defaulted field left out, as a person writes it.
const funnel = {
  kind: 'funnel',
  steps: [{ events: { event: 'signed_up' } }, { events: { event: 'plan_upgraded' } }],
  dateRange: { type: 'relative', last: 60, unit: 'day' },
  breakdown: { property: 'experiment_variant', attribution: 'first' },
};

describe('parseAnalysisSpec', () => {
  it('completes a hand-written spec with the defaults the builders rely on', () => {
    const parsed = parseAnalysisSpec(funnel);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.spec.kind !== 'funnel') return;
    // What the raw JSON lacked, and the view crashed on.
    expect(parsed.spec.filters).toEqual([]);
    expect(parsed.spec.steps.map((s) => s.events.where)).toEqual([[], []]);
    expect(parsed.spec.version).toBe(1);
  });

  it('names the problem of a spec that is not one, of each kind of wrong', () => {
    const message = (value: unknown) => {
      const parsed = parseAnalysisSpec(value);
      return parsed.ok ? 'ok' : parsed.message;
    };
    expect(message([1, 2])).toMatch(/^This is not an analysis spec: a JSON object with a "kind"/);
    expect(message({ steps: [] })).toBe(
      `The spec has no "kind"; it is one of: ${ANALYSIS_KINDS.join(', ')}.`,
    );
    expect(message({ kind: 'cohorts' })).toMatch(
      /^"cohorts" is not a kind of analysis; the kinds are: eventTypes, trends/,
    );
    expect(message({ ...funnel, dateRange: { type: 'relative', last: 0, unit: 'day' } })).toBe(
      'The funnel spec has a problem: dateRange.last: Too small: expected number to be >=1.',
    );
    expect(
      message({
        ...funnel,
        breakdwon: {},
        steps: [{ events: { event: 'a', wher: [] } }, funnel.steps[1]],
      }),
    ).toBe(
      'The funnel spec has 2 problems: steps.0.events.wher: not a field of an event filter (did you mean where?); breakdwon: not a field of a funnel spec (did you mean breakdown?).',
    );
  });

  it('names a misspelt key before the required one it left missing, with the field it is near', () => {
    const { steps, ...rest } = funnel;
    const parsed = parseAnalysisSpec({ ...rest, stepz: steps });
    expect(parsed.ok ? 'ok' : parsed.issues[0]).toBe(
      'stepz: not a field of a funnel spec (did you mean steps?)',
    );
    // A window typo must not silently give the 14-day default.
    const windw = parseAnalysisSpec({ ...funnel, windw: { n: 7, unit: 'day' } });
    expect(windw.ok ? 'ok' : windw.message).toBe(
      'The funnel spec has a problem: windw: not a field of a funnel spec (did you mean window?).',
    );
    // Far from every field: no guess.
    const far = parseAnalysisSpec({ ...funnel, colour: 'red' });
    expect(far.ok ? 'ok' : far.message).toBe(
      'The funnel spec has a problem: colour: not a field of a funnel spec.',
    );
  });

  it('drops rather than refuses unknown keys when asked (what the app itself stored)', () => {
    const parsed = parseAnalysisSpec({ ...funnel, legacy: true }, { unknownKeys: 'drop' });
    expect(parsed.ok && 'legacy' in parsed.spec).toBe(false);
    expect(parsed.ok).toBe(true);
  });
});

describe('condition groups', () => {
  const withWhere = (where: unknown) => ({
    ...funnel,
    steps: [{ events: { event: 'a', where } }, funnel.steps[1]],
  });

  it('accepts nested any/all groups and keeps them as written', () => {
    const where = [
      { property: 'plan', op: '=', value: 'pro' },
      {
        any: [
          { property: 'country', op: '=', value: 'DE' },
          {
            all: [
              { property: 'age', op: '>', value: 30 },
              { property: 'vip', op: 'is set' },
            ],
          },
        ],
      },
    ];
    const parsed = parseAnalysisSpec(withWhere(where));
    expect(
      parsed.ok && parsed.spec.kind === 'funnel' && parsed.spec.steps[0]?.events.where,
    ).toEqual([
      { property: 'plan', source: 'event', op: '=', value: 'pro' },
      {
        any: [
          { property: 'country', source: 'event', op: '=', value: 'DE' },
          {
            all: [
              { property: 'age', source: 'event', op: '>', value: 30 },
              { property: 'vip', source: 'event', op: 'is set' },
            ],
          },
        ],
      },
    ]);
  });

  it('reports a problem inside a group where it is, not as "Invalid input"', () => {
    const parsed = parseAnalysisSpec(
      withWhere([
        {
          any: [
            { property: 'a', op: '=', value: 1 },
            { property: 'b', opp: '=' },
          ],
        },
      ]),
    );
    expect(parsed.ok ? [] : parsed.issues).toEqual([
      'steps.0.events.where.0.any.1.opp: not a field of a condition (did you mean op?)',
      expect.stringMatching(/^steps\.0\.events\.where\.0\.any\.1\.op: /),
    ]);
    const empty = parseAnalysisSpec(withWhere([{ all: [] }]));
    expect(empty.ok ? [] : empty.issues).toEqual([
      'steps.0.events.where.0.all: an all-group needs a condition',
    ]);
  });

  it('refuses groups nested deeper than five', () => {
    let node: unknown = { property: 'a', op: 'is set' };
    for (let i = 0; i < 6; i++) node = { any: [node] };
    const parsed = parseAnalysisSpec(withWhere([node]));
    expect(parsed.ok ? [] : parsed.issues).toEqual([
      'steps.0.events.where.0: conditions nest at most 5 groups deep',
    ]);
  });
});
