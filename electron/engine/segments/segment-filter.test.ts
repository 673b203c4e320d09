import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { generatedTempWorkspace } from '../testing/generated-workspace';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';

/*
 * An analysis filtered to a segment is the analysis of a workspace that holds only the
 * segment's users: the generated demo, a dynamic segment of its frequent reporters, and a second
 * workspace made of exactly their events.
 */
let whole: TempWorkspace;
let members: TempWorkspace;
let segment: string;

beforeAll(async () => {
  whole = await generatedTempWorkspace();
  const saved = await whole.api['segments.save']({
    name: 'Reporters',
    spec: {
      type: 'dynamic',
      rule: {
        type: 'event',
        event: { event: 'report_created', where: [] },
        op: 'at least',
        times: 2,
        when: { type: 'ever' },
      },
    },
  });
  segment = saved.id;
  expect(saved.members).toBeGreaterThan(100);
  const rows = await whole.rows(
    `SELECT u.user_id, e.event, strftime(e.ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts, e.plan
       FROM events e JOIN users u ON u.uid = e.uid
      WHERE e.uid IN (SELECT uid FROM segment_members WHERE segment_id = '${segment}')
      ORDER BY e.uid, e.ts`,
  );
  const csv = [
    'user_id,event,timestamp,plan',
    ...rows.map(
      (r) =>
        `${String(r.user_id)},${String(r.event)},${String(r.ts)},${r.plan === null ? '' : String(r.plan)}`,
    ),
  ].join('\n');
  members = await tempWorkspace();
  await members.api['import.events']({ files: [members.write('members.csv', `${csv}\n`)] });
}, 180_000);
afterAll(() => {
  whole.close();
  members.close();
});

const retention = (filters: unknown[]): AnalysisSpec =>
  ({
    kind: 'retention',
    start: { event: 'signed_up' },
    return: { event: 'app_opened' },
    period: 'week',
    periods: 6,
    dateRange: { type: 'absolute', from: '2026-01-05', to: '2026-03-16' },
    filters,
  }) as never;

const funnel = (filters: unknown[]): AnalysisSpec =>
  ({
    kind: 'funnel',
    steps: [
      { events: { event: 'signed_up' } },
      { events: { event: 'report_created' } },
      { events: { event: 'report_shared' } },
    ],
    window: { n: 14, unit: 'day' },
    dateRange: { type: 'absolute', from: '2026-01-05', to: '2026-03-16' },
    filters,
  }) as never;

describe('an analysis filtered to a segment', () => {
  it.each([
    ['retention', retention],
    ['funnel', funnel],
  ])('%s: equals the result on a workspace of only its members', async (_kind, spec) => {
    const filtered = await whole.api['analysis.run']({ spec: spec([{ segment }]) });
    const alone = await members.api['analysis.run']({ spec: spec([]) });
    const { warnings: _w, ...a } = filtered as unknown as Record<string, unknown>;
    const { warnings: _v, ...b } = alone as unknown as Record<string, unknown>;
    expect(a).toEqual(b);
  });

  it('and everyone outside it, with the members, make up the whole', async () => {
    const inside = await whole.api['analysis.run']({ spec: funnel([{ segment }]) });
    const outside = await whole.api['analysis.run']({
      spec: funnel([{ segment, op: 'not in' }]),
    });
    const all = await whole.api['analysis.run']({ spec: funnel([]) });
    const entered = (r: unknown): number =>
      (r as { groups: { steps: { count: number }[] }[] }).groups[0]?.steps[0]?.count ?? -1;
    expect(entered(inside) + entered(outside)).toBe(entered(all));
    expect(entered(inside)).toBeGreaterThan(0);
  });
});

describe('segments side by side', () => {
  it('runs the analysis for each segment and for everyone else, and says who is shared', async () => {
    const sharers = await whole.api['segments.save']({
      name: 'Sharers',
      spec: {
        type: 'dynamic',
        rule: {
          type: 'event',
          event: { event: 'report_shared', where: [] },
          when: { type: 'ever' },
        },
      },
    });
    const comparison = await whole.api['analysis.compare']({
      spec: retention([]),
      segments: [segment, sharers.id],
    });
    expect(comparison.groups.map((g) => g.label)).toEqual([
      'Reporters',
      'Sharers',
      'Everyone else',
    ]);
    const own = await whole.api['analysis.run']({ spec: retention([{ segment: sharers.id }]) });
    expect(comparison.groups[1]?.result).toEqual(own);
    const rest = await whole.api['analysis.run']({
      spec: retention([
        { segment, op: 'not in' },
        { segment: sharers.id, op: 'not in' },
      ]),
    });
    expect(comparison.groups[2]?.result).toEqual(rest);
    const [both] = await whole.rows(
      `SELECT count(*) AS n FROM (SELECT uid FROM segment_members
        WHERE segment_id IN ('${segment}', '${sharers.id}') GROUP BY uid HAVING count(*) = 2)`,
    );
    expect(comparison.shared).toBe(Number(both?.n));
    expect(comparison.shared).toBeGreaterThan(0);
    expect(comparison.warnings.join(' ')).toMatch(/are in more than one of these segments/);
  });

  it('refuses a kind without filters, a segment twice, and an unknown one', async () => {
    const paths = {
      kind: 'paths',
      start: { event: 'signed_up' },
      dateRange: { type: 'relative', last: 4, unit: 'week' },
    };
    await expect(
      whole.api['analysis.compare']({ spec: paths as never, segments: [segment] }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/paths analysis has no filters/) });
    await expect(
      whole.api['analysis.compare']({ spec: retention([]), segments: [segment, segment] }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/named twice/) });
    await expect(
      whole.api['analysis.compare']({ spec: retention([]), segments: ['nope'] }),
    ).rejects.toMatchObject({ detail: { field: 'segments' } });
  });
});
