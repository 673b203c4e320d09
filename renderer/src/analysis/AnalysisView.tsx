import { useEffect, useMemo, useRef, useState } from 'react';
import type { ECharts } from 'echarts/core';
import type { SavedSpec } from '../../../shared/api/workspace-types';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { parseAnalysisSpec } from '../../../shared/specs/parse-spec';
import type { UserSelection } from '../../../shared/specs/users-behind';
import { useApp, type Theme } from '../app-context';
import { Chart } from '../components/Chart';
import { ErrorNote } from '../components/ErrorNote';
import { dataUrlToBlob } from '../lib/data-url';
import { formatSeconds } from '../lib/format';
import { Builder } from './builders';
import { Select } from './controls';
import { withOptional } from './spec-edit';
import { chartData, type ChartOption } from './chart-parts';
import { kindCharts, kindParts, kindPicker, type MoreChart } from './kinds';
import { download, toCsv } from './csv';
import { defaultSpec, type AnalysisKind } from './defaults';
import { describeSpec } from '../../../shared/specs/meaning';
import { KIND_TITLES } from './import-spec';
import { gridTable, ResultGrid } from './ResultGrid';
import { SavedBar } from './SavedBar';
import { SegmentCompare } from './SegmentCompare';
import { useAnalysis } from './use-analysis';
import { UsersPanel } from './UsersPanel';
import './analysis.css';

const TITLES: Record<AnalysisKind, string> = KIND_TITLES;

const storageKey = (kind: AnalysisKind): string => `workbench.spec.${kind}`;

/**
 * The spec the view reopens with: the last one edited here, else a default from the data. What
 * storage holds is checked like any spec from outside: one written by an older version (or
 * edited by hand) must not crash the view on every start.
 */
function initialSpec(kind: AnalysisKind, fallback: AnalysisSpec): AnalysisSpec {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(storageKey(kind)) ?? 'null');
    const parsed = parseAnalysisSpec(stored, { unknownKeys: 'drop' });
    return parsed.ok && parsed.spec.kind === kind ? parsed.spec : fallback;
  } catch {
    return fallback;
  }
}

/** The view starts from its defaults next time (its error boundary's reset). */
export function forgetStoredSpec(kind: AnalysisKind): void {
  try {
    localStorage.removeItem(storageKey(kind));
  } catch {
    // Storage blocked: nothing was stored either.
  }
}

/**
 * One analysis: the builder on the left, the chart on top, the numbers below, the users behind
 * any number in a side panel. Every change of the spec reruns it (latest wins).
 */
export function AnalysisView({ kind }: { kind: AnalysisKind }) {
  const { info, theme } = useApp();
  const [spec, setSpec] = useState<AnalysisSpec>(() => initialSpec(kind, defaultSpec(kind, info)));
  const [savedId, setSavedId] = useState<string | null>(null);
  const [select, setSelect] = useState<UserSelection | null>(null);
  // The users behind a number of a segment comparison: their own spec (the segment's filter).
  const [compared, setCompared] = useState<{ spec: AnalysisSpec; select: UserSelection } | null>(
    null,
  );
  const chart = useRef<ECharts | null>(null);
  const state = useAnalysis(spec);
  const { result } = state;

  useEffect(() => {
    localStorage.setItem(storageKey(kind), JSON.stringify(spec));
  }, [kind, spec]);

  // With a breakdown, the retention heat map draws one group at a time: the one picked here.
  const [group, setGroup] = useState(0);
  const groups = result?.kind === 'retention' ? result.groups : [];
  const shownGroup = group < groups.length ? group : 0;
  // Kinds of several metrics draw one at a time: the one picked here (the first by default).
  const [pick, setPick] = useState<string | null>(null);
  const picker = useMemo(() => (result === null ? null : kindPicker(result)), [result]);
  const shownPick =
    picker?.options.some(([v]) => v === pick) === true
      ? (pick ?? undefined)
      : picker?.options[0]?.[0];
  const charts = useMemo(
    () =>
      result === null
        ? null
        : kindCharts(result, state.answered, {
            group: shownGroup,
            ...(shownPick === undefined ? {} : { pick: shownPick }),
          }),
    [result, state.answered, shownGroup, shownPick],
  );
  const { Lead, Details } = kindParts(kind);
  const openUsers = (selection: UserSelection): void => {
    if (state.answered !== null) setSelect(selection);
  };
  // The parts read the result with the spec it answers (never the builder's newer one).
  const parts =
    result !== null && result.kind === kind && state.answered?.kind === kind
      ? { result, spec: state.answered }
      : null;
  const option = charts?.option ?? null;
  // Whether the numbers on screen answer the spec in the builder (tests wait on it).
  const upToDate =
    !state.running &&
    state.answered !== null &&
    JSON.stringify(state.answered) === JSON.stringify(spec);
  // The numbers on screen answer an older question (or a sample of this one): greyed until
  // the new answer arrives, from the first keystroke, not only once the run has started.
  const stale = !upToDate && !state.sampled && result !== null;
  const answeredKey = state.answered === null ? '' : JSON.stringify(state.answered);
  // A new question closes the users of the old one: never a stale list beside new numbers.
  useEffect(() => {
    setSelect(null);
    setCompared(null);
  }, [answeredKey]);
  const tz = info?.workspace.settings.timezone ?? 'UTC';

  const exportPng = (): void => {
    const url = chart.current?.getDataURL({
      type: 'png',
      pixelRatio: 2,
      backgroundColor: theme === 'dark' ? '#1a1d28' : '#ffffff',
    });
    if (url === undefined) return;
    // Decoded in place: fetch(data:) is refused by the CSP's connect-src (lib/data-url.ts).
    download(`${kind}.png`, dataUrlToBlob(url));
  };
  const exportCsv = (): void => {
    if (result === null) return;
    const table = gridTable(result);
    download(`${kind}.csv`, toCsv({ columns: table.columns, rows: table.rows }));
  };

  return (
    <div className={`analysis${select !== null || compared !== null ? ' with-users' : ''}`}>
      <aside className="builder" aria-label={`${TITLES[kind]} builder`}>
        <Builder spec={spec} onChange={(next) => setSpec(next)} />
        {spec.kind !== 'eventTypes' && (
          <Select
            label="Users counted"
            help="A deterministic share of users, each counted exactly: a fast answer on a big workspace. All users by default."
            value={String(spec.sample?.fraction ?? 1)}
            options={[
              ['1', 'All users (default)'],
              ['0.5', '50% sample'],
              ['0.1', '10% sample'],
              ['0.01', '1% sample'],
            ]}
            onChange={(v) =>
              setSpec(withOptional(spec, 'sample', v === '1' ? undefined : { fraction: Number(v) }))
            }
          />
        )}
        <button
          type="button"
          className="ghost small"
          onClick={() => setSpec(defaultSpec(kind, info))}
        >
          Reset to defaults
        </button>
      </aside>
      <div className="analysis-main">
        <header className="view-head">
          <div className="panel-head">
            <h1>{TITLES[kind]}</h1>
            <SavedBar
              spec={spec}
              savedId={savedId}
              onOpen={(next: AnalysisSpec, saved: SavedSpec | null) => {
                setSpec(next);
                setSavedId(saved?.id ?? null);
              }}
            />
          </div>
          <p className="meaning" data-testid="meaning">
            {describeSpec(spec, tz)}
          </p>
          {state.incomplete !== null && (
            <p className="incomplete-note" role="status" data-testid="incomplete">
              {state.incomplete}
            </p>
          )}
          {stale && state.answered !== null && state.incomplete === null && (
            <p className="muted small" data-testid="shown-meaning">
              Updating; shown until then: {describeSpec(state.answered, tz)}
            </p>
          )}
          {result?.warnings !== undefined && result.warnings.length > 0 && !stale && (
            <ul className="result-warnings" data-testid="result-warnings">
              {result.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </header>
        {select !== null && state.answered !== null && (
          <div className="users-anchor">
            <UsersPanel spec={state.answered} select={select} onClose={() => setSelect(null)} />
          </div>
        )}
        {select === null && compared !== null && (
          <div className="users-anchor">
            <UsersPanel
              spec={compared.spec}
              select={compared.select}
              onClose={() => setCompared(null)}
            />
          </div>
        )}
        {Lead !== undefined && parts !== null && (
          <div className={stale ? 'stale' : ''}>
            <Lead result={parts.result as never} spec={parts.spec as never} onSelect={openUsers} />
          </div>
        )}
        <section className={`panel chart-panel${stale ? ' stale' : ''}`} aria-busy={state.running}>
          <div className="panel-head">
            <span
              className="muted small"
              data-testid="analysis-status"
              data-current={upToDate ? 'yes' : 'no'}
            >
              {state.running
                ? state.sampled
                  ? 'sampled 10% of users: computing the exact answer…'
                  : 'computing…'
                : state.seconds !== null
                  ? `computed in ${formatSeconds(state.seconds)}`
                  : ''}
              {result !== null && 'sampled' in result && result.sampled !== null
                ? ` · sampled ${Math.round(result.sampled.fraction * 100)}% of users`
                : ''}
            </span>
            <span className="row">
              <button
                type="button"
                className="small"
                disabled={result === null}
                onClick={exportPng}
              >
                PNG
              </button>
              <button
                type="button"
                className="small"
                disabled={result === null}
                onClick={exportCsv}
              >
                CSV
              </button>
            </span>
          </div>
          <ErrorNote error={state.error} title="The analysis could not run" />
          {groups.length > 1 && (
            <div className="group-picker">
              <Select
                label="Breakdown value shown"
                help="The heat map draws one breakdown value's cohorts; the curve below and the grid have every value."
                value={String(shownGroup)}
                options={groups.map((g, i) => [String(i), g.breakdown ?? ''] as const)}
                onChange={(v) => setGroup(Number(v))}
              />
            </div>
          )}
          {picker !== null && shownPick !== undefined && (
            <div className="group-picker">
              <Select
                label={picker.label}
                help={picker.help}
                value={shownPick}
                options={picker.options}
                onChange={(v) => setPick(v)}
              />
            </div>
          )}
          {option !== null && (
            <ChartDataTable option={option} label={`${TITLES[kind]} chart data`} />
          )}
          {option !== null && (
            <Chart
              option={option}
              theme={theme}
              label={`${TITLES[kind]} chart`}
              height={charts?.height ?? 320}
              onInstance={(c) => {
                chart.current = c;
              }}
              onItemClick={(data) => {
                const selection = (data as { selection?: UserSelection } | undefined)?.selection;
                if (selection !== undefined && state.answered !== null) setSelect(selection);
              }}
            />
          )}
          {result === null && !state.running && state.error === null && (
            <p className="muted">No answer yet.</p>
          )}
          <p className="muted small">
            Click a bar, point, cell or node to see the users behind it.
          </p>
        </section>
        {charts !== null && charts.more.length > 0 && (
          <MoreCharts charts={charts.more} theme={theme} onSelect={openUsers} />
        )}
        {result !== null && (
          <section className={`panel${stale ? ' stale' : ''}`}>
            <h2>Numbers</h2>
            <div className="scroll-box tall">
              <ResultGrid
                result={result}
                spec={state.answered}
                onSelect={(selection) => {
                  if (state.answered !== null) setSelect(selection);
                }}
              />
            </div>
          </section>
        )}
        {'filters' in spec && state.answered !== null && (
          <SegmentCompare
            spec={state.answered}
            onOpenUsers={(target, selection) => {
              setSelect(null);
              setCompared({ spec: target, select: selection });
            }}
          />
        )}
        {Details !== undefined && parts !== null && (
          <div className={stale ? 'stale' : ''}>
            <Details
              result={parts.result as never}
              spec={parts.spec as never}
              onSelect={openUsers}
            />
          </div>
        )}
      </div>
    </div>
  );
}

/** The charts under the main one: two side by side, one across. */
function MoreCharts({
  charts,
  theme,
  onSelect,
}: {
  charts: MoreChart[];
  theme: Theme;
  onSelect: (selection: UserSelection) => void;
}) {
  const panels = charts.map((c) => (
    <section className="panel" key={c.label}>
      {c.heading !== undefined && <h2>{c.heading}</h2>}
      <Chart
        option={c.option}
        theme={theme}
        label={c.label}
        height={c.height}
        onItemClick={(data) => {
          const selection = (data as { selection?: UserSelection } | undefined)?.selection;
          if (selection !== undefined) onSelect(selection);
        }}
      />
    </section>
  ));
  return charts.length === 2 ? <div className="two">{panels}</div> : <>{panels}</>;
}

/** The chart's numbers as a table for screen readers (visually hidden). */
function ChartDataTable({ option, label }: { option: ChartOption; label: string }) {
  return (
    // In a clipped box: a table is as wide as its cells whatever its own width says, and would
    // widen the page (a horizontal scroll bar) with the hundreds of cells of a retention grid.
    <div className="sr-only">
      <table aria-label={label}>
        <tbody>
          {chartData(option).map((row, i) => (
            <tr key={i}>
              <th scope="row">{row.series}</th>
              {row.values.map((v, j) => (
                <td key={j}>{v ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
