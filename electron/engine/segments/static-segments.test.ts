import { tableFromIPC } from 'apache-arrow';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunnelSpec } from '../../../shared/specs/funnel';
import { workspaceTemplate, type TempWorkspace } from '../testing/temp-workspace';

// a and b open then buy; c only opens; d buys without opening.
const EVENTS = `user_id,event,timestamp,plan
a,open,2024-03-01T10:00:00Z,pro
a,buy,2024-03-01T11:00:00Z,pro
b,open,2024-03-02T10:00:00Z,free
b,buy,2024-03-03T10:00:00Z,free
c,open,2024-03-02T12:00:00Z,free
d,buy,2024-03-04T10:00:00Z,free
`;

const funnel: FunnelSpec = {
  kind: 'funnel',
  version: 1,
  steps: [
    { events: { event: 'open', where: [] }, optional: false },
    { events: { event: 'buy', where: [] }, optional: false },
  ],
  order: 'ordered',
  window: { n: 7, unit: 'day' },
  exclusions: [],
  countBy: 'users',
  dateRange: { type: 'absolute', from: '2024-03-01', to: '2024-03-31' },
  filters: [],
  interval: 'week',
};

let ws: TempWorkspace;
/** Each test starts from a copy of one workspace holding EVENTS. */
const template = workspaceTemplate(async (w) => {
  await w.api['import.events']({ files: [w.write('e.csv', EVENTS)] });
});
beforeEach(async () => {
  ws = await template.fresh();
});
afterEach(() => ws.close());
afterAll(() => template.dispose());

const ids = (arrow: string) =>
  tableFromIPC(Buffer.from(arrow, 'base64'))
    .toArray()
    .map((r: { toJSON(): Record<string, unknown> }) => r.toJSON().user_id);

describe('static segments', () => {
  it('saves the users behind a number, and forgets them with the segment', async () => {
    const converted = await ws.api['segments.createStatic']({
      name: 'Bought within a week',
      spec: funnel,
      select: { kind: 'funnel', step: 2, outcome: 'converted' },
    });
    const dropped = await ws.api['segments.createStatic']({
      name: 'Opened, never bought',
      spec: funnel,
      select: { kind: 'funnel', step: 2, outcome: 'dropped' },
    });
    expect([converted.members, dropped.members]).toEqual([2, 1]);
    expect(converted.segment).toMatchObject({ kind: 'segment', name: 'Bought within a week' });
    const page = await ws.api['segments.members']({ id: converted.segment.id });
    expect([page.total, ids(page.arrow)]).toEqual([2, ['a', 'b']]);
    expect(ids((await ws.api['segments.members']({ id: dropped.segment.id })).arrow)).toEqual([
      'c',
    ]);
    // Static: later events do not change who is in it.
    await ws.api['import.events']({
      files: [ws.write('more.csv', 'user_id,event,timestamp\nc,buy,2024-03-05T10:00:00Z\n')],
    });
    expect((await ws.api['segments.members']({ id: dropped.segment.id })).total).toBe(1);

    await ws.api['saved.delete']({ id: converted.segment.id });
    const left = await ws.rows('SELECT DISTINCT segment_id FROM segment_members');
    expect(left.map((r) => r.segment_id)).toEqual([dropped.segment.id]);
    await expect(ws.api['segments.members']({ id: converted.segment.id })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});

describe('property values', () => {
  it('lists the most frequent values, per event type when asked', async () => {
    expect(await ws.api['properties.values']({ property: 'plan' })).toEqual([
      { value: 'free', count: 4 },
      { value: 'pro', count: 2 },
    ]);
    expect(await ws.api['properties.values']({ property: 'plan', event: 'buy' })).toEqual([
      { value: 'free', count: 2 },
      { value: 'pro', count: 1 },
    ]);
    await expect(ws.api['properties.values']({ property: 'nope' })).rejects.toMatchObject({
      message: expect.stringMatching(/^No event property 'nope'; nearest: /) as unknown,
    });
  });
});
