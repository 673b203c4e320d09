import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrendsResult, TrendsSpec } from '../../../shared/specs/trends';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';
import { Workspace } from '../workspace/workspace';
import { loadCatalog } from './catalog';
import { runTrends } from './trends';
import { PlanNotes } from '../sql/notes';

/**
 * Hand-written events. The workspace zone is Europe/Paris, which moves from UTC+1 to UTC+2 on
 * 2024-03-31 at 02:00 local: local days and weeks are what the expected numbers follow.
 *
 * user  event  UTC                 Paris local          plan  amount
 * u3    b      2024-03-24 22:30    Sun 03-24 23:30      -     -
 * u1    a      2024-03-25 08:00    Mon 03-25 09:00      pro   10
 * u1    a      2024-03-25 20:00    Mon 03-25 21:00      pro   20
 * u2    a      2024-03-26 12:00    Tue 03-26 13:00      free  30
 * u1    b      2024-03-30 23:30    Sun 03-31 00:30      pro   -
 * u2    a      2024-04-01 22:30    Tue 04-02 00:30      free  40
 * u1    a      2024-04-02 10:00    Tue 04-02 12:00      pro   -
 */
const EVENTS = `user_id,event,timestamp,plan,amount
u3,b,2024-03-24T22:30:00Z,,
u1,a,2024-03-25T08:00:00Z,pro,10
u1,a,2024-03-25T20:00:00Z,pro,20
u2,a,2024-03-26T12:00:00Z,free,30
u1,b,2024-03-30T23:30:00Z,pro,
u2,a,2024-04-01T22:30:00Z,free,40
u1,a,2024-04-02T10:00:00Z,pro,
`;
const PEOPLE = `user_id,email,tier\nu1,one@x.io,gold\nu2,two@x.io,silver\n`;
const NOW = new Date('2024-04-02T12:00:00Z');

let ws: TempWorkspace;
let workspace: Workspace;

beforeAll(async () => {
  ws = await tempWorkspace();
  await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
  await ws.api['import.users']({ files: [ws.write('p.csv', PEOPLE)] });
  await ws.api['workspace.updateSettings']({ timezone: 'Europe/Paris' });
  await ws.api['workspace.close']({});
  workspace = await Workspace.open(ws.file, { readOnly: true });
});
afterAll(() => {
  workspace.close();
  ws.close();
});

async function trends(
  spec: Omit<TrendsSpec, 'kind' | 'version' | 'filters'> & {
    filters?: TrendsSpec['filters'];
    weekStart?: 'monday' | 'sunday';
  },
): Promise<TrendsResult & { warnings: string[] }> {
  return workspace.use(async (c) => {
    const settings = {
      ...(await workspace.settings(c)),
      ...(spec.weekStart ? { weekStart: spec.weekStart } : {}),
    };
    const catalog = await loadCatalog(c);
    const { weekStart: _w, ...rest } = spec;
    const notes = new PlanNotes();
    const result = await runTrends(
      { c, settings, catalog, now: NOW, observedUntil: NOW, notes },
      { kind: 'trends', version: 1, filters: [], ...rest },
    );
    return { ...result, warnings: notes.warnings };
  });
}

const days = (from: string, to: string) => ({ type: 'absolute' as const, from, to });
const a = { event: 'a', where: [] };
const any = { event: '$any', where: [] };

describe('trends', () => {
  it('counts per local day of the workspace zone, across the DST change', async () => {
    const r = await trends({
      series: [{ events: a, measure: 'total' }],
      interval: 'day',
      dateRange: days('2024-03-25', '2024-04-02'),
    });
    expect(r.periods).toEqual([
      '2024-03-25',
      '2024-03-26',
      '2024-03-27',
      '2024-03-28',
      '2024-03-29',
      '2024-03-30',
      '2024-03-31',
      '2024-04-01',
      '2024-04-02',
    ]);
    // u2's 2024-04-01 22:30 UTC is 04-02 00:30 in Paris (UTC+2 after the change).
    expect(r.series[0]?.values).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 2]);
    expect(r.series[0]?.total).toBe(5);
    expect(r.series[0]?.label).toBe('a (total events)');
  });

  it('cuts weeks on Monday by default, on Sunday when the workspace says so', async () => {
    const spec = {
      series: [{ events: any, measure: 'uniqueUsers' as const }],
      interval: 'week' as const,
      dateRange: days('2024-03-24', '2024-04-02'),
    };
    const monday = await trends(spec);
    expect(monday.periods).toEqual(['2024-03-18', '2024-03-25', '2024-04-01']);
    expect(monday.series[0]?.values).toEqual([1, 2, 2]);
    expect(monday.series[0]?.total).toBe(3);
    const sunday = await trends({ ...spec, weekStart: 'sunday' });
    expect(sunday.periods).toEqual(['2024-03-24', '2024-03-31']);
    expect(sunday.series[0]?.values).toEqual([3, 2]);
  });

  it('sums, averages and takes the median of a numeric property', async () => {
    const range = days('2024-03-25', '2024-04-02');
    const [sum, avg, median, perUser] = await Promise.all(
      (['sum', 'avg', 'median'] as const)
        .map((measure) =>
          trends({
            series: [{ events: a, measure, property: 'amount' }],
            interval: 'day',
            dateRange: range,
          }),
        )
        .concat(
          trends({
            series: [{ events: a, measure: 'perUser' }],
            interval: 'day',
            dateRange: range,
          }),
        ),
    );
    expect(sum?.series[0]?.values).toEqual([30, 30, 0, 0, 0, 0, 0, 0, 40]);
    expect(avg?.series[0]?.values).toEqual([15, 30, null, null, null, null, null, null, 40]);
    expect(median?.series[0]?.total).toBe(25);
    // 04-02: two events by two users; 03-25: two events by one user.
    expect(perUser?.series[0]?.values).toEqual([2, 1, null, null, null, null, null, null, 1]);
  });

  it('breaks down by the top values, then (other), then (none)', async () => {
    const r = await trends({
      series: [{ events: any, measure: 'total' }],
      interval: 'month',
      dateRange: days('2024-03-01', '2024-04-30'),
      breakdown: { property: 'plan', source: 'event', limit: 1 },
    });
    expect(r.series.map((s) => [s.breakdown, s.total, s.values])).toEqual([
      ['pro', 4, [3, 1]],
      ['(other)', 2, [1, 1]],
      ['(none)', 1, [1, 0]],
    ]);
  });

  it('counts rolling daily, weekly and monthly actives, and DAU/MAU', async () => {
    const range = days('2024-04-01', '2024-04-02');
    const run = (measure: 'dau' | 'wau' | 'mau' | 'stickiness') =>
      trends({ series: [{ events: any, measure }], interval: 'day', dateRange: range });
    expect((await run('dau')).series[0]?.values).toEqual([0, 2]);
    // 7 days to 04-01: u2 (03-26), u1 (03-31). To 04-02: u1 and u2 again.
    expect((await run('wau')).series[0]?.values).toEqual([2, 2]);
    // 30 days back reach u3's Sunday 03-24.
    expect((await run('mau')).series[0]?.values).toEqual([3, 3]);
    const sticky = (await run('stickiness')).series[0]?.values ?? [];
    expect(sticky[0]).toBe(0);
    expect(sticky[1]).toBeCloseTo(2 / 3, 10);
  });

  it('filters on user properties; "not equal" keeps users without the property', async () => {
    const run = (op: '=' | '!=') =>
      trends({
        series: [{ events: any, measure: 'uniqueUsers' }],
        interval: 'month',
        dateRange: days('2024-03-01', '2024-04-30'),
        filters: [{ property: 'tier', source: 'user', op, value: 'gold' }],
      });
    expect((await run('=')).series[0]?.total).toBe(1);
    expect((await run('!=')).series[0]?.total).toBe(2);
  });

  it('reads relative ranges against the clock and marks periods not over yet', async () => {
    const r = await trends({
      series: [{ events: any, measure: 'total' }],
      interval: 'day',
      dateRange: { type: 'relative', last: 3, unit: 'day' },
    });
    expect(r.periods).toEqual(['2024-03-31', '2024-04-01', '2024-04-02']);
    expect(r.incomplete).toEqual([false, false, true]);
    expect(r.series[0]?.values).toEqual([1, 0, 2]);
  });

  it('samples a deterministic share of users and says so', async () => {
    const full = await trends({
      series: [{ events: any, measure: 'uniqueUsers' }],
      interval: 'month',
      dateRange: days('2024-03-01', '2024-04-30'),
    });
    const half = await trends({
      series: [{ events: any, measure: 'uniqueUsers' }],
      interval: 'month',
      dateRange: days('2024-03-01', '2024-04-30'),
      sample: { fraction: 0.5 },
    });
    expect(half.sampled).toEqual({ fraction: 0.5 });
    // uids 0..2; Knuth's hash keeps uid u when (u * 2654435761) mod 2^32 < 2^31.
    const kept = [0, 1, 2].filter((u) => (u * 2654435761) % 4294967296 < 2147483648).length;
    expect(half.series[0]?.total).toBe(kept);
    expect(full.series[0]?.total).toBe(3);
  });

  it('lists every problem of a spec at once, each with its field', async () => {
    const error = await trends({
      series: [
        { events: a, measure: 'sum', property: 'properties' },
        { events: any, measure: 'dau' },
      ],
      interval: 'hour',
      dateRange: days('2024-03-01', '2024-03-02'),
      breakdown: { property: 'properties', source: 'event', limit: 5 },
    }).catch((e: { code: string; message: string; detail: { issues: { path: string }[] } }) => e);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
    const paths = (error as { detail: { issues: { path: string }[] } }).detail.issues.map(
      (i) => i.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining(['series[0].property', 'series[1].measure', 'breakdown.property']),
    );
  });

  it('answers zeros for an event or property nobody has yet, with a warning naming the nearest', async () => {
    const result = await trends({
      series: [
        { events: { event: 'aa', where: [] }, measure: 'total' },
        {
          events: {
            event: 'a',
            where: [{ property: 'plann', source: 'event', op: '=', value: 'x' }],
          },
          measure: 'total',
        },
      ],
      interval: 'day',
      dateRange: days('2024-03-01', '2024-03-02'),
    });
    expect(result.series.map((x) => x.total)).toEqual([0, 0]);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^Nobody did 'aa' in this workspace yet, so it counts zero; nearest: a\b/,
      ),
      expect.stringMatching(
        /^No event has the property 'plann' in this workspace, so it counts as not set; nearest: /,
      ),
    ]);
  });
});
