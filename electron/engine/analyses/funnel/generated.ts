import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contract } from '../../../../shared/api/contract';
import { funnelSpecSchema, type FunnelSpec } from '../../../../shared/specs/funnel';
import { importEvents } from '../../import/import-events';
import { Workspace } from '../../workspace/workspace';

/**
 * Generated workspaces and funnel specs for the randomised tests (units.test.ts): small users
 * whose events sit on a coarse time grid, so ties, events exactly at a window's end and several
 * attempts per user are common. Seeded: every run generates the same data and specs.
 */

/** A small fast seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedEvent {
  user: string;
  event: string;
  /** Epoch milliseconds. */
  ms: number;
  p: string | null;
  q: string | null;
}

/** The days specs range over; events fall a few days around them. */
export const GENERATED_RANGE = { from: '2024-03-03', to: '2024-03-04' };
const BASE = Date.parse('2024-02-29T18:00:00Z');
const GRID_MS = 15 * 60_000;

export function generateEvents(seed: number, users: number): GeneratedEvent[] {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const names = ['A', 'A', 'B', 'B', 'C', 'C', 'D', 'X'];
  const events: GeneratedEvent[] = [];
  for (let u = 0; u < users; u++) {
    const user = `u${String(u).padStart(3, '0')}`;
    // Bursts of activity: each a run of events on the 15-minute grid, ties included.
    const bursts = 1 + Math.floor(rand() * (u % 17 === 0 ? 12 : 4));
    const plan = pick(['v1', 'v2', 'v3', null] as const);
    for (let b = 0; b < bursts; b++) {
      let slot = Math.floor(rand() * 6 * 96);
      const length = 1 + Math.floor(rand() * 8);
      for (let i = 0; i < length; i++) {
        slot += pick([0, 0, 1, 1, 2, 4]);
        events.push({
          user,
          event: pick(names),
          ms: BASE + slot * GRID_MS + (rand() < 0.1 ? 60_000 : 0),
          p: rand() < 0.8 ? plan : pick(['v1', 'v2', null] as const),
          q: pick(['a', 'b', null] as const),
        });
      }
    }
  }
  return events;
}

export function eventsCsv(events: readonly GeneratedEvent[]): string {
  const lines = events.map(
    (e) => `${e.user},${e.event},${new Date(e.ms).toISOString()},${e.p ?? ''},${e.q ?? ''}`,
  );
  return `user_id,event,timestamp,p,q\n${lines.join('\n')}\n`;
}

/** A workspace holding `events`, opened directly (tests compare two computations on it). */
export async function generatedFunnelWorkspace(
  events: readonly GeneratedEvent[],
  timezone = 'UTC',
): Promise<{ workspace: Workspace; close: () => void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-funnel-'));
  const file = path.join(dir, 'events.csv');
  writeFileSync(file, eventsCsv(events));
  const workspace = await Workspace.open(path.join(dir, 'generated.duckdb'));
  await importEvents(workspace, contract['import.events'].request.parse({ files: [file] }), {});
  if (timezone !== 'UTC') await workspace.updateSettings({ timezone });
  return {
    workspace,
    close: () => {
      workspace.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ShapeOptions {
  /** Only shapes the one-pass scan computes (ordered or strict, no hold, first or last touch). */
  scannable: boolean;
}

/** A random valid funnel spec over the generated events. */
export function generateSpec(rand: () => number, options: ShapeOptions): FunnelSpec {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  for (;;) {
    const order = options.scannable
      ? pick(['ordered', 'ordered', 'strict'] as const)
      : pick(['ordered', 'strict', 'any'] as const);
    const count = 2 + Math.floor(rand() * 3);
    const steps = Array.from({ length: count }, (_, i) => ({
      events: {
        event: pick(['A', 'B', 'C', 'D', '$any'] as const),
        where:
          rand() < 0.15
            ? [
                rand() < 0.5
                  ? { property: 'p', op: '=' as const, value: 'v1' }
                  : {
                      any: [
                        { property: 'q', op: '=' as const, value: 'a' },
                        { property: 'p', op: 'is not set' as const },
                      ],
                    },
              ]
            : [],
      },
      optional: order === 'ordered' && i > 0 && rand() < 0.25,
      ...(rand() < 0.12 ? { firstTime: pick(['event', 'matching'] as const) } : {}),
    }));
    const exclusions = Array.from(
      { length: rand() < 0.35 ? 1 + Math.floor(rand() * 2) : 0 },
      () => {
        const from = Math.floor(rand() * (count - 1));
        const to = from + 1 + Math.floor(rand() * (count - 1 - from));
        return { events: { event: pick(['X', 'D'] as const), where: [] }, from, to };
      },
    );
    const countBy = options.scannable
      ? pick(['users', 'users', 'attempts'] as const)
      : pick(['users', 'sessions', 'attempts'] as const);
    const attribution = options.scannable
      ? pick(['first', 'last'] as const)
      : pick(['first', 'last', 'step', 'all'] as const);
    const breakdown =
      rand() < 0.4
        ? {
            ...(rand() < 0.3
              ? { properties: [{ property: 'p' }, { property: 'q' }] }
              : { property: 'p' }),
            limit: pick([1, 2, 10]),
            attribution,
            ...(attribution === 'step' ? { step: Math.floor(rand() * count) } : {}),
          }
        : undefined;
    const raw = {
      kind: 'funnel',
      steps,
      order,
      window: pick([
        { n: 1, unit: 'hour' },
        { n: 2, unit: 'hour' },
        { n: 45, unit: 'minute' },
        { n: 1, unit: 'day' },
      ]),
      exclusions,
      countBy,
      ...(!options.scannable && rand() < 0.2 ? { holdConstant: { property: 'q' } } : {}),
      dateRange: { type: 'absolute', ...GENERATED_RANGE },
      filters:
        rand() < 0.15
          ? [
              {
                any: [
                  { property: 'q', op: '=', value: 'b' },
                  { property: 'p', op: 'is set' },
                ],
              },
            ]
          : [],
      ...(breakdown === undefined ? {} : { breakdown }),
      interval: pick(['day', 'hour', 'week']),
      ...(rand() < 0.3 ? { compare: true } : {}),
      ...(rand() < 0.1 ? { sample: { fraction: 0.6 } } : {}),
    };
    const parsed = funnelSpecSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
  }
}

/**
 * A random any-order spec two of whose steps can match one event, as analysts build them: the
 * second step is the first one's event, often with a condition of its own (view, then view
 * where p = v1), so one event may match both and must fill only one.
 */
export function generateSharedAnySpec(rand: () => number): FunnelSpec {
  for (;;) {
    const spec = generateSpec(rand, { scannable: false });
    const [first, second, ...rest] = spec.steps;
    if (spec.order !== 'any' || first === undefined || second === undefined) continue;
    const event = first.events.event === '$any' ? (rand() < 0.5 ? 'A' : 'B') : first.events.event;
    const where = rand() < 0.6 ? [{ property: 'p', op: '=' as const, value: 'v1' }] : [];
    const parsed = funnelSpecSchema.safeParse({
      ...spec,
      steps: [
        { ...first, events: { ...first.events, event } },
        { ...second, events: { event, where } },
        ...rest,
      ],
    });
    if (parsed.success) return parsed.data;
  }
}

/**
 * A random any-order spec no two of whose steps can match one event (each step its own event
 * name, none '$any'): the shapes the SQL chain computes too, to check the scan against.
 */
export function generateDistinctAnySpec(rand: () => number): FunnelSpec {
  for (;;) {
    const spec = generateSpec(rand, { scannable: false });
    if (spec.order !== 'any') continue;
    const names = ['A', 'B', 'C', 'D'];
    const parsed = funnelSpecSchema.safeParse({
      ...spec,
      steps: spec.steps.map((s) => {
        const [event] = names.splice(Math.floor(rand() * names.length), 1);
        return { ...s, events: { ...s.events, event } };
      }),
    });
    if (parsed.success) return parsed.data;
  }
}

/**
 * A random funnel with per-step windows, in the shapes they combine with (ordered; users or
 * sessions; no exclusions or optional steps; first or last touch): each later step gets a window
 * of its own after the previous one with probability 0.7, at least one of them.
 */
export function generatePerStepWindowSpec(rand: () => number): FunnelSpec {
  // On the events' 15-minute grid: gaps exactly at a window's end, and a minute past it.
  const windows = [
    { n: 15, unit: 'minute' },
    { n: 30, unit: 'minute' },
    { n: 45, unit: 'minute' },
    { n: 1, unit: 'hour' },
  ] as const;
  for (;;) {
    const spec = generateSpec(rand, { scannable: false });
    const steps = spec.steps.map((s, i) => {
      const { within: _, ...rest } = s;
      const within = windows[Math.floor(rand() * windows.length)];
      return { ...rest, optional: false, ...(i > 0 && rand() < 0.7 ? { within } : {}) };
    });
    if (!steps.some((s) => 'within' in s)) continue;
    const { breakdown } = spec;
    const parsed = funnelSpecSchema.safeParse({
      ...spec,
      steps,
      order: 'ordered',
      exclusions: [],
      countBy: spec.countBy === 'attempts' ? 'users' : spec.countBy,
      ...(breakdown === undefined
        ? {}
        : {
            breakdown: {
              ...breakdown,
              attribution: breakdown.attribution === 'last' ? 'last' : 'first',
              step: undefined,
            },
          }),
    });
    if (parsed.success) return parsed.data;
  }
}
