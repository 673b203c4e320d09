import { describe, expect, it } from 'vitest';
import { issueLines } from './strict';
import { trendsMeaning, trendsSelectionSchema, trendsSpecSchema } from './trends';
import { evaluateFormula, formulaSeries, parseFormula } from './trends-formula';

const values = [10, 4, 0];
const calc = (expression: string, at: (number | null)[] = values): number | null =>
  evaluateFormula(parseFormula(expression), (i) => at[i] ?? null);
const problem = (expression: string): string => {
  try {
    parseFormula(expression);
  } catch (error) {
    return (error as Error).message;
  }
  return 'parsed';
};

describe('trend formulas', () => {
  it('reads letters as series in spec order, with the usual precedence', () => {
    expect(calc('A / B')).toBe(2.5);
    expect(calc('A + B * 2')).toBe(18);
    expect(calc('(A + B) * 2')).toBe(28);
    expect(calc('A - B - 1')).toBe(5);
    expect(calc('A / B / 5')).toBe(0.5);
    expect(calc('-A + 3')).toBe(-7);
    expect(calc('a/b*100')).toBe(250);
    expect(calc('  1.5e2 - .5 ')).toBe(149.5);
    expect(formulaSeries(parseFormula('(A - B) / A')).map((s) => s.letter)).toEqual(['A', 'B']);
  });

  it('a division by zero, or a series without a value, is no value', () => {
    expect(calc('A / C')).toBeNull();
    expect(calc('B / (A - 10)')).toBeNull();
    expect(calc('A + B', [null, 4])).toBeNull();
    expect(calc('C * 0')).toBe(0);
  });

  it('names the position of a problem', () => {
    expect(problem('')).toBe('the formula is empty at character 1');
    expect(problem('A +')).toBe(
      'expected a series letter, a number or (, found the end at character 4',
    );
    expect(problem('A $ B')).toBe(
      "expected an operator (+ - * /) or the end, found '$' at character 3",
    );
    expect(problem('(A + B')).toBe(
      'expected ) to close the ( at character 1, found the end at character 7',
    );
    expect(problem('A / AB')).toBe(
      "'AB' is not a series: series are single letters (A, B, ...) at character 5",
    );
    expect(problem('A B')).toMatch(/found 'B' at character 3$/);
    expect(problem('eval(A)')).toMatch(/^'eval' is not a series/);
    expect(problem('('.repeat(40) + 'A' + ')'.repeat(40))).toMatch(/nest at most 30 deep/);
  });

  it('the spec refuses a formula naming a series it does not have, with the position', () => {
    const spec = {
      kind: 'trends',
      series: [{ events: { event: 'a' } }, { events: { event: 'b' } }],
      dateRange: { type: 'relative', last: 7, unit: 'day' },
      formulas: [{ expression: 'A / B' }, { expression: 'A / C' }, { expression: 'A *' }],
    };
    const parsed = trendsSpecSchema.safeParse(spec);
    expect(parsed.success).toBe(false);
    expect(issueLines(parsed.error?.issues ?? [])).toEqual([
      "formulas.1.expression: 'C' at character 5 names no series: this trend has series A to B",
      'formulas.2.expression: expected a series letter, a number or (, found the end at character 4',
    ]);
    const ok = trendsSpecSchema.parse({ ...spec, formulas: [{ expression: 'A / B' }] });
    expect(ok.display).toEqual({ chart: 'line', cumulative: false });
    expect(ok.compare).toBe(false);
  });

  it('a cumulative line and a rolling average do not go together', () => {
    const parsed = trendsSpecSchema.safeParse({
      kind: 'trends',
      series: [{ events: { event: 'a' } }],
      dateRange: { type: 'relative', last: 7, unit: 'day' },
      display: { chart: 'bar', cumulative: true, rollingAverage: 7 },
    });
    expect(issueLines(parsed.error?.issues ?? [])).toEqual([
      'display.rollingAverage: choose a cumulative line or a rolling average, not both',
    ]);
  });

  it("a formula's point has no users behind it, and the selection says so", () => {
    const parsed = trendsSelectionSchema.safeParse({
      kind: 'trends',
      formula: 0,
      period: '2024-03-04',
    });
    expect(issueLines(parsed.error?.issues ?? [])).toEqual([
      "formula: a formula's point has no users behind it (it combines the series' numbers, not their users): open a point of one of its series",
    ]);
  });
});

describe('the meaning of a trend', () => {
  it('names the series by letter when formulas read them, and says how lines are shown', () => {
    const spec = trendsSpecSchema.parse({
      kind: 'trends',
      series: [
        { events: { event: 'signup' }, measure: 'total' },
        { events: { event: '$any' }, measure: 'uniqueUsers' },
      ],
      formulas: [{ expression: 'A / B', label: 'signups per user' }],
      interval: 'week',
      dateRange: { type: 'relative', last: 8, unit: 'week' },
      compare: true,
      display: { rollingAverage: 4 },
    });
    expect(trendsMeaning(spec, 'UTC')).toBe(
      'A: Total of signup; B: Unique users of any event; A / B (signups per user) per week, rolling average of 4 weeks, last 8 weeks, compared with the period before, UTC',
    );
    expect(
      trendsMeaning(
        { ...spec, formulas: [], compare: false, display: { chart: 'bar', cumulative: true } },
        'UTC',
      ),
    ).toBe('Total of signup; Unique users of any event per week, cumulative, last 8 weeks, UTC');
  });
});
