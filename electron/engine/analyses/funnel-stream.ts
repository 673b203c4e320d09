import { DOUBLE, INTEGER, DuckDBDataChunk, type DuckDBConnection } from '@duckdb/node-api';
import { WINDOW_SECONDS, type FunnelSpec } from '../../../shared/specs/funnel';
import { SqlParams } from '../duckdb/params';
import type { AnalysisContext } from './context';
import { FunnelScanner, type FunnelScanPlan, type FunnelScanUnits } from './funnel-scan';
import { SpecIssues } from './spec-issues';
import { resolveDays, utcMidnight } from './sql/periods';
import { eventFilterSql, samplingSql } from './sql/properties';
import { shiftDay } from './sql/scoped-events';

/** Funnels the one-pass scan computes; the others take the SQL chain in funnel.ts. */
function scannable(spec: FunnelSpec): boolean {
  return (
    spec.order === 'ordered' &&
    spec.countBy !== 'sessions' &&
    spec.holdConstant === undefined &&
    spec.breakdown === undefined &&
    spec.steps.every((s) => s.within === undefined) &&
    // One bit per step and per exclusion in a 32-bit mask.
    spec.steps.length + spec.exclusions.length <= 31
  );
}

/**
 * Builds the funnel's counted units (the funnel_units temp table funnel.ts reads) with one
 * ordered scan of the matching events and a pass in JavaScript, when the funnel's shape allows
 * it. Returns false, having done nothing, when it does not, or when the events turn out not to be
 * stored in (user, time) order (a workspace changed by hand with SQL).
 */
export async function scanFunnelUnits(
  ctx: AnalysisContext,
  spec: FunnelSpec,
  canShare: (i: number, j: number) => boolean,
): Promise<boolean> {
  if (!scannable(spec)) return false;
  const { catalog, settings } = ctx;
  const params = new SqlParams();
  const issues = new SpecIssues(ctx.notes);
  let needsUsers = false;
  const flags = [
    ...spec.steps.map((s, i) =>
      eventFilterSql(catalog, s.events, spec.filters, params, issues, `steps[${i}].events`),
    ),
    ...spec.exclusions.map((x, i) =>
      eventFilterSql(catalog, x.events, [], params, issues, `exclusions[${i}].events`),
    ),
  ].map((f) => {
    needsUsers ||= f.needsUsers;
    return f.where;
  });
  // User properties need a join, which need not keep the stored order: the SQL chain does those.
  if (needsUsers) return false;
  issues.throwIfAny('funnel');

  const days = resolveDays(spec.dateRange, ctx.now, settings);
  const boundParams = new SqlParams();
  const bounds = await ctx.c.runAndReadAll(
    `SELECT epoch_us(${utcMidnight(days.from, settings.timezone, boundParams)})::DOUBLE AS s,
            epoch_us(${utcMidnight(shiftDay(days.to, 1), settings.timezone, boundParams)})::DOUBLE AS e`,
    boundParams.values,
  );
  const [rangeStartUs, rangeEndUs] = (bounds.getRows()[0] ?? [0, 0]).map(Number) as [
    number,
    number,
  ];
  const windowUs = spec.window.n * WINDOW_SECONDS[spec.window.unit] * 1_000_000;
  const required = spec.steps.map((_, i) => i).filter((i) => i > 0 && !spec.steps[i]?.optional);
  const plan: FunnelScanPlan = {
    steps: spec.steps.length,
    required,
    optional: spec.steps.flatMap((step, j) =>
      step.optional
        ? [
            {
              step: j,
              before: [...required, 0].filter((i) => i < j).sort((a, b) => b - a)[0] ?? 0,
              after: required.find((i) => i > j) ?? -1,
            },
          ]
        : [],
    ),
    exclusions: spec.exclusions.map((x) => ({ from: x.from, to: x.to })),
    shared: spec.steps.map((_, i) => spec.steps.map((__, j) => canShare(i, j))),
    windowUs,
    rangeStartUs,
    rangeEndUs,
    perAttempt: spec.countBy === 'attempts',
  };

  const mask = flags.map((f, bit) => `(CASE WHEN ${f} THEN ${2 ** bit} ELSE 0 END)`).join(' + ');
  const scanParams = params;
  const sql = `SELECT e.uid, epoch_us(e.ts)::DOUBLE AS t, CAST(${mask} AS INTEGER) AS m
    FROM events e
    WHERE e.ts >= make_timestamp(CAST(${scanParams.bind(rangeStartUs)} AS BIGINT))
      AND e.ts <= make_timestamp(CAST(${scanParams.bind(rangeEndUs + windowUs)} AS BIGINT))
      AND ${samplingSql(spec.sample?.fraction, scanParams)}
      AND (${flags.map((f) => `(${f})`).join(' OR ')})`;
  const scanner = new FunnelScanner(plan);
  // Materialised rather than streamed: the scan then runs on every core, and reading its chunks
  // back is synchronous (streaming measured 3x slower on 10M events).
  const result = await ctx.c.run(sql, scanParams.values);
  const chunks = result.chunkCount;
  for (let i = 0; i < chunks; i++) {
    const chunk = result.getChunk(i);
    scanner.push(
      typedItems(chunk.getColumnVector(0), Int32Array),
      typedItems(chunk.getColumnVector(1), Float64Array),
      typedItems(chunk.getColumnVector(2), Int32Array),
      chunk.rowCount,
    );
    if (scanner.outOfOrder) return false;
  }
  await writeUnits(ctx.c, scanner.finish(), spec.steps.length);
  return true;
}

/**
 * A vector's values as its own typed array (no copy): the scan reads them, the writer fills them
 * and flushes. The columns involved hold no NULLs.
 */
export function typedItems<T extends Int32Array | Float64Array>(
  vector: unknown,
  Kind: abstract new (...args: never[]) => T,
): T {
  const items = (vector as { items?: unknown }).items;
  if (!(items instanceof Kind)) throw new Error(`expected a vector of ${Kind.name}`);
  return items;
}

/** The units as the funnel_units table the step and over-time queries read. */
async function writeUnits(
  c: DuckDBConnection,
  units: FunnelScanUnits,
  steps: number,
): Promise<void> {
  const times = Array.from({ length: steps }, (_, i) => `u${i}`);
  await c.run('DROP TABLE IF EXISTS funnel_scan');
  await c.run(
    `CREATE TEMP TABLE funnel_scan (uid INTEGER, level INTEGER, ${times.map((t) => `${t} DOUBLE`).join(', ')})`,
  );
  const appender = await c.createAppender('funnel_scan', 'main', 'temp');
  const types = [INTEGER, INTEGER, ...times.map(() => DOUBLE)];
  const size = 2048;
  const fill = <T extends Int32Array | Float64Array>(
    chunk: DuckDBDataChunk,
    column: number,
    values: T,
    Kind: abstract new (...args: never[]) => T,
    from: number,
  ): void => {
    const vector = chunk.getColumnVector(column);
    typedItems(vector, Kind).set(values.subarray(from, from + chunk.rowCount));
    vector.flush();
  };
  for (let start = 0; start < units.count; start += size) {
    const chunk = DuckDBDataChunk.create(types, Math.min(size, units.count - start));
    fill(chunk, 0, units.uid, Int32Array, start);
    fill(chunk, 1, units.level, Int32Array, start);
    units.times.forEach((column, i) => fill(chunk, 2 + i, column, Float64Array, start));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  await c.run('DROP TABLE IF EXISTS funnel_units');
  await c.run(
    `CREATE TEMP TABLE funnel_units AS SELECT uid, level, NULL::VARCHAR AS grp,
       ${times.map((t, i) => `CASE WHEN NOT isnan(${t}) THEN make_timestamp(CAST(${t} AS BIGINT)) END AS t${i}`).join(', ')}
     FROM funnel_scan`,
  );
  await c.run('DROP TABLE funnel_scan');
}
