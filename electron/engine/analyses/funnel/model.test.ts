import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../../shared/calendar/local-days';
import { NONE_LABEL, OTHER_LABEL } from '../../../../shared/specs/common';
import type { FunnelPeriod, FunnelResult, FunnelSpec } from '../../../../shared/specs/funnel';
import { queryRows } from '../../duckdb/database';
import type { Workspace } from '../../workspace/workspace';
import { runAnalysis } from '../index';
import {
  generateEvents,
  generatedFunnelWorkspace,
  generatePerStepWindowSpec,
  generateSharedAnySpec,
  generateSpec,
  GENERATED_RANGE,
  prng,
} from './generated';
import {
  modelFunnel,
  type ModelEvent,
  type ModelGroup,
  type ModelPeriods,
  type ModelResult,
} from './reference-model';

/**
 * Every number of a funnel result against the plain model of reference-model.ts, on a generated
 * workspace and random shapes of every kind (ordered, strict, any order; users, sessions,
 * attempts; held properties; optional steps, exclusions, first-time steps; first touch, last
 * touch, one step's value, values held through every step; several breakdown properties; the
 * previous range): the steps of every group, its conversion over time and the totals.
 */
const SHAPES = 30;
let workspace: Workspace;
let close: () => void;
let events: ModelEvent[];
const clock = () => new Date('2024-03-20T00:00:00Z');

beforeAll(async () => {
  ({ workspace, close } = await generatedFunnelWorkspace(generateEvents(3, 80)));
  events = (
    await workspace.use((c) =>
      queryRows(
        c,
        `SELECT uid, event, epoch_ms(ts) AS ms, rowid AS row, p, q, session_id FROM events`,
      ),
    )
  ).map((r) => ({
    uid: Number(r.uid),
    event: String(r.event),
    ms: Number(r.ms),
    row: Number(r.row),
    p: r.p === null ? null : String(r.p),
    q: r.q === null ? null : String(r.q),
    session: r.session_id === null ? null : Number(r.session_id),
  }));
});
afterAll(() => close());

const special = (g: string | null): number => (g === OTHER_LABEL ? 1 : g === NONE_LABEL ? 2 : 0);

/** The model's groups in the result's order: by conversions, then name, specials last. */
function ordered(groups: ModelGroup[], last: number): ModelGroup[] {
  return [...groups].sort(
    (a, b) =>
      special(a.breakdown) - special(b.breakdown) ||
      (b.counts[last] ?? 0) - (a.counts[last] ?? 0) ||
      String(a.breakdown).localeCompare(String(b.breakdown)),
  );
}

function periods(list: FunnelPeriod[] | undefined): ModelPeriods {
  return Object.fromEntries(
    (list ?? []).filter((p) => p.entered > 0).map((p) => [p.period, [p.entered, p.completed]]),
  );
}

function comparable(
  result: { groups: FunnelResult['groups']; overTime: FunnelPeriod[] },
  spec: FunnelSpec,
) {
  const empty = result.groups.length === 1 && result.groups[0]?.steps[0]?.count === 0;
  return {
    groups: empty
      ? []
      : result.groups
          .filter((g) => (g.steps[0]?.count ?? 0) > 0)
          .map((g) => ({
            breakdown: g.breakdown ?? null,
            counts: g.steps.map((s) => s.count),
            overTime: spec.breakdown === undefined ? periods(result.overTime) : periods(g.overTime),
          })),
    overTime: periods(result.overTime),
  };
}

describe('funnel against the plain model', () => {
  it('agrees on every number of random shapes', async () => {
    const rand = prng(2024);
    const previous = {
      from: addDays(GENERATED_RANGE.from, -2),
      to: addDays(GENERATED_RANGE.from, -1),
    };
    let converting = 0;
    for (let i = 0; i < SHAPES; i++) {
      const spec = generateSpec(rand, { scannable: false });
      const result = (await runAnalysis(workspace, spec, {}, clock)) as FunnelResult;
      const model = modelFunnel(
        spec,
        events,
        GENERATED_RANGE,
        spec.compare === true ? previous : null,
      );
      const last =
        spec.order === 'any'
          ? spec.steps.length - 1
          : spec.steps.length - 1 - [...spec.steps].reverse().findIndex((s) => !s.optional);
      const what = JSON.stringify(spec);
      expect(comparable(result, spec), what).toEqual({
        groups: ordered(model.groups, last),
        overTime: model.overTime,
      });
      if (spec.compare === true) {
        const before = result.previous;
        expect(before?.from).toBe(previous.from);
        expect(
          comparable({ groups: before?.groups ?? [], overTime: before?.overTime ?? [] }, spec)
            .overTime,
          what,
        ).toEqual(model.previousOverTime);
        const byName = new Map(model.previous.map((g) => [g.breakdown, g]));
        for (const g of before?.groups ?? []) {
          const m = byName.get(g.breakdown ?? null);
          expect(
            g.steps.map((s) => s.count),
            what,
          ).toEqual(m?.counts ?? g.steps.map(() => 0));
        }
        expect(
          (before?.groups ?? []).filter((g) => (g.steps[0]?.count ?? 0) > 0).length,
          what,
        ).toBe(model.previous.length);
      }
      if ((model.groups[0]?.counts.at(-1) ?? 0) > 0) converting++;
    }
    expect(converting).toBeGreaterThan(SHAPES / 3);
  });
});

/**
 * Runs a spec (no previous range, every step counted) and expects the model's numbers; answers
 * the model's result.
 */
async function agreesWithModel(spec: FunnelSpec): Promise<ModelResult> {
  const result = (await runAnalysis(workspace, spec, {}, clock)) as FunnelResult;
  const model = modelFunnel(spec, events, GENERATED_RANGE, null);
  expect(comparable(result, spec), JSON.stringify(spec)).toEqual({
    groups: ordered(model.groups, spec.steps.length - 1),
    overTime: model.overTime,
  });
  return model;
}

describe('any order with steps sharing events, against the plain model', () => {
  /** Shapes where one event can match two steps, which it must not both fill. */
  const SHARED = 8;

  it('agrees on every number', async () => {
    const rand = prng(77);
    let converting = 0;
    for (let i = 0; i < SHARED; i++) {
      const model = await agreesWithModel(generateSharedAnySpec(rand));
      if ((model.groups[0]?.counts.at(-1) ?? 0) > 0) converting++;
    }
    expect(converting).toBeGreaterThan(SHARED / 3);
  });
});

describe('per-step windows, against the plain model', () => {
  /** Each later step within its own window of the previous one, found by exhaustive search. */
  const WITHIN = 10;

  it('agrees on every number', async () => {
    const rand = prng(31);
    let converting = 0;
    let bound = 0;
    for (let i = 0; i < WITHIN; i++) {
      const spec = generatePerStepWindowSpec(rand);
      const model = await agreesWithModel(spec);
      if ((model.groups[0]?.counts.at(-1) ?? 0) > 0) converting++;
      // The shapes where a step's own window cuts what the funnel's window alone would count.
      const open = modelFunnel(
        { ...spec, steps: spec.steps.map(({ within: _, ...s }) => s) },
        events,
        GENERATED_RANGE,
        null,
      );
      if (JSON.stringify(open.groups) !== JSON.stringify(model.groups)) bound++;
    }
    expect(converting).toBeGreaterThan(WITHIN / 3);
    expect(bound).toBeGreaterThan(WITHIN / 3);
  });
});
