import path from 'node:path';
import Table from 'cli-table3';
import type {
  ImportEventsSummary,
  ImportPreview,
  ImportUsersSummary,
} from '../../shared/api/import-types';
import type { ApiError } from '../../shared/api/errors';
import type { EventRule } from '../../shared/api/import-types';
import type { WorkspaceInfo } from '../../shared/api/workspace-types';
import { formatResultCell, NUMERIC_KINDS, resultColumns } from '../../shared/format/columns';
import type { AnalysisResult, AnalysisSpec } from '../../shared/specs/analysis-spec';
import { resultTable } from '../../shared/specs/result-table';
import { formatBytes, formatCount, renderJson, renderTable } from './output';

const when = (iso: string): string => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
const names = (files: string[]): string =>
  files.length <= 3 ? files.map((f) => path.basename(f)).join(', ') : `${files.length} files`;

function lines(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

const RULE_OPS: Record<EventRule['op'], string> = {
  equals: '=',
  startsWith: 'starts with',
  lessThan: '<',
  greaterThan: '>',
};

/** `InvoiceNo starts with "C" → cancellation`, `Quantity < 0 → return`. */
function describeRule(r: EventRule): string {
  const value = typeof r.value === 'number' ? String(r.value) : JSON.stringify(r.value);
  return `${r.column} ${RULE_OPS[r.op]} ${value} → ${r.event}`;
}

const describeRules = (rules: EventRule[] | undefined): string =>
  (rules ?? []).map(describeRule).join('; ') || '-';

export function printImportSummary(s: ImportEventsSummary): string {
  const skipped: string[] = [];
  const user = s.mapping.userId.join(' / ');
  if (s.skipped.missingUser > 0)
    skipped.push(`${formatCount(s.skipped.missingUser)} without a user id (${user})`);
  if (s.skipped.missingTimestamp > 0)
    skipped.push(
      `${formatCount(s.skipped.missingTimestamp)} without a timestamp (${s.mapping.timestamp})`,
    );
  if (s.skipped.missingEvent > 0)
    skipped.push(`${formatCount(s.skipped.missingEvent)} without an event name`);
  if (s.skipped.duplicate > 0)
    skipped.push(`${formatCount(s.skipped.duplicate)} duplicates (same insert id)`);
  const rows: [string, string][] = [
    ['rows read', `${formatCount(s.rowsRead)} (${formatBytes(s.bytes)} ${s.format})`],
    ['imported', formatCount(s.rowsImported)],
    ['skipped', skipped.length === 0 ? 'none' : skipped.join('; ')],
    ['new users', formatCount(s.newUsers)],
    ['time range', s.range === null ? '-' : `${when(s.range.from)} → ${when(s.range.to)} UTC`],
    [
      'mapping',
      `user ${user}, event ${s.mapping.event ?? `"${s.mapping.eventName ?? ''}"`}, time ${s.mapping.timestamp}${s.mapping.insertId ? `, insert id ${s.mapping.insertId}` : ''}`,
    ],
    // Rules rename events (a transaction export's cancellations): the counts below depend on them.
    ['event rules', describeRules(s.mapping.eventRules)],
    ['properties', s.properties.length === 0 ? '-' : s.properties.map((p) => p.name).join(', ')],
  ];
  return `Imported ${formatCount(s.rowsImported)} events from ${names(s.files)} (${s.preset} preset, ${s.mode}) in ${s.seconds.toFixed(1)} s
${lines(rows)}
${s.warnings.map((w) => `Note: ${w}\n`).join('')}Workspace now holds ${formatCount(s.totalEvents)} events from ${formatCount(s.totalUsers)} users.
`;
}

export function printUsersSummary(s: ImportUsersSummary): string {
  const mapped = Object.entries(s.mapping)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `Imported ${formatCount(s.added + s.updated)} people from ${names(s.files)} in ${s.seconds.toFixed(1)} s
${lines([
  ['rows read', formatCount(s.rowsRead)],
  ['updated', `${formatCount(s.updated)} known users`],
  ['added', `${formatCount(s.added)} users not seen in events yet`],
  [
    'skipped',
    `${formatCount(s.skippedMissingUser)} without a user id; ${formatCount(s.duplicateUserIds)} repeated user ids (last row kept)`,
  ],
  ['mapping', mapped],
  ['columns', s.columns.join(', ')],
])}
`;
}

const SKIP_LABELS: Record<string, string> = {
  missingUser: 'no user id',
  missingTimestamp: 'no timestamp',
  missingEvent: 'no event name',
  duplicate: 'duplicates',
};

export function printInfo(info: WorkspaceInfo): string {
  const w = info.workspace;
  const head = `${w.name}  (${w.path})
${lines([
  ['events', formatCount(info.events)],
  [
    'users',
    `${formatCount(info.users)} with events${info.identities > 0 ? `, ${formatCount(info.identities)} with identities` : ''}`,
  ],
  ['sessions', formatCount(info.sessions)],
  [
    'not imported',
    Object.entries(info.skipped)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${formatCount(n)} ${SKIP_LABELS[k] ?? k}`)
      .join(', ') || 'none',
  ],
  [
    'time range',
    info.range === null ? '-' : `${when(info.range.from)} → ${when(info.range.to)} UTC`,
  ],
  [
    'settings',
    `time zone ${w.settings.timezone}, weeks start ${w.settings.weekStart}, session gap ${w.settings.sessionGapMinutes} min`,
  ],
  ...info.warnings.map((text): [string, string] => ['warning', text]),
])}`;
  const types = renderTable(
    {
      columns: ['event', 'events', 'users', 'first seen', 'last seen'],
      rows: info.eventTypes.map((e) => ({
        event: e.event,
        events: e.events,
        users: e.users,
        'first seen': when(e.firstSeen),
        'last seen': when(e.lastSeen),
      })),
    },
    'Event types',
  );
  const sources = renderTable(
    {
      columns: ['#', 'kind', 'files', 'preset', 'rows read', 'imported', 'skipped', 'imported at'],
      rows: info.sources.map((s) => ({
        '#': s.id,
        kind: s.kind,
        files: names(s.files),
        preset: s.preset ?? '',
        'rows read': s.rowsRead,
        imported: s.rowsImported,
        skipped: Object.entries(s.skipped)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${formatCount(n)} ${SKIP_LABELS[k] ?? k}`)
          .join(', '),
        'imported at': when(s.importedAt),
      })),
    },
    'Sources',
  );
  return `${head}\n\n${types}\n\n${sources}\n`;
}

export function printPreview(p: ImportPreview): string {
  const m = p.mapping;
  const header = `${names(p.files)}: ${p.format}, detected preset ${p.preset} (scores: ${p.candidates
    .filter((c) => c.score > 0)
    .map((c) => `${c.preset} ${c.score}`)
    .join(', ')})
${lines([
  ['user id', (m.userId ?? []).join(' / ') || '(not found)'],
  ['event', m.event ?? `"${m.eventName ?? ''}" (constant)`],
  ['event rules', describeRules(m.eventRules)],
  [
    'timestamp',
    `${m.timestamp || '(not found)'}${m.timestampFormat ? ` (${m.timestampFormat})` : ''}`,
  ],
  ['insert id', m.insertId ?? '-'],
  [
    'nested',
    (m.nested ?? []).map((n) => `${n.column}${n.prefix ? ` as ${n.prefix}*` : ''}`).join(', ') ||
      '-',
  ],
])}`;
  const problem = p.problem === undefined ? '' : `\n\n${p.problem.message}`;
  const notes = p.warnings.map((w) => `\nNote: ${w}`).join('');
  const shown = p.columns.slice(0, 8);
  const title = p.problem === undefined ? 'First rows as stored' : 'First rows of the file';
  return `${header}${problem}${notes === '' ? '' : `\n${notes}`}\n\n${renderTable({ columns: shown, rows: p.rows }, `${title}${p.columns.length > shown.length ? ` (${shown.length} of ${p.columns.length} columns)` : ''}`)}\n`;
}

/**
 * `workbench run --format table`: the result's table as the window's grid shows it, each column
 * in its kind's format (counts grouped, shares as percentages, seconds as durations) under a
 * readable header, retention counts with their share of the cohort. CSV and JSON keep the
 * machine ids and raw numbers. The spec tells each trend series' measure.
 */
export function printResult(
  result: AnalysisResult,
  spec?: AnalysisSpec,
  style: { bold: boolean } = { bold: false },
): string {
  const table = resultTable(result);
  const columns = resultColumns(result, spec, table);
  const t = new Table({
    head: columns.map((c) => c.header),
    style: { head: style.bold ? ['bold'] : [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: columns.map((c) => (NUMERIC_KINDS.has(c.kind) ? 'right' : 'left')),
    wordWrap: false,
  });
  table.rows.forEach((row, i) => {
    t.push(
      columns.map((c) => {
        const { text, share } = formatResultCell(c, i, row[c.id]);
        const shown = share === undefined ? text : `${share} (${text})`;
        return shown.length > 60 ? `${shown.slice(0, 59)}…` : shown;
      }),
    );
  });
  return `${t.toString()}\n`;
}

/** The day of an instant in a time zone (the workspace's: the days its analyses cut), YYYY-MM-DD. */
export function localDay(iso: string, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/**
 * The span of a workspace's data in its own days, "120 days up to 2024-05-31": what the data
 * holds, whatever today is (the demo's history ends the day before it was generated).
 */
export function dataSpan(info: WorkspaceInfo): string {
  if (info.range === null) return 'no events yet';
  const zone = info.workspace.settings.timezone;
  const first = localDay(info.range.from, zone);
  const last = localDay(info.range.to, zone);
  const days = Math.round((Date.parse(last) - Date.parse(first)) / 86_400_000) + 1;
  return `${formatCount(days)} day${days === 1 ? '' : 's'} up to ${last}`;
}

/**
 * What an error prints: a line for people on stderr and, where the command's output is JSON
 * (`call`, `--json`), the error's shape on stdout for the script reading it. When stdout is the
 * terminal itself, a person would read the same error twice: the line alone is printed.
 */
export function printError(
  error: ApiError,
  json: boolean,
  stdoutIsTerminal: boolean,
): { stdout: string; stderr: string } {
  return {
    stderr: `error [${error.code}]: ${error.message}\n`,
    stdout: json && !stdoutIsTerminal ? renderJson({ error: error.toShape() }) : '',
  };
}
