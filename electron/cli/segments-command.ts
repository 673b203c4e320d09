import { tableFromIPC } from 'apache-arrow';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { ApiClient, CallOptions } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { SegmentInfo } from '../../shared/api/segment-types';
import { emit, readSpec } from './files';
import type { CliIo } from './io';
import { render, renderJson, type OutputFormat } from './output';
import { withSession } from './session';

const formatOption = (): Option =>
  new Option('--format <format>', 'output format')
    .choices(['table', 'json', 'csv'])
    .default('table');

/** A segment by its id or its name (any case); an unknown or ambiguous one names the others. */
function pick(segments: readonly SegmentInfo[], name: string): SegmentInfo {
  const byId = segments.find((s) => s.id === name);
  if (byId !== undefined) return byId;
  const named = segments.filter((s) => s.name.toLowerCase() === name.toLowerCase());
  if (named.length === 1 && named[0] !== undefined) return named[0];
  const list = segments.map((s) => `${s.name} (${s.id})`).join(', ');
  if (named.length > 1) {
    throw new ApiError(
      'INVALID_REQUEST',
      `${named.length} segments are named '${name}': give one by its id: ${named.map((s) => s.id).join(', ')}.`,
    );
  }
  throw new ApiError(
    'INVALID_REQUEST',
    `No segment '${name}' in this workspace. ${segments.length === 0 ? 'It has no segments yet: workbench segments create SPEC.' : `Its segments: ${list}.`}`,
  );
}

function share(s: SegmentInfo): string | null {
  return s.members === null || s.population === null || s.population === 0
    ? null
    : `${((100 * s.members) / s.population).toFixed(1)}%`;
}

function listTable(segments: readonly SegmentInfo[]) {
  return {
    columns: ['name', 'type', 'members', 'share', 'as_of', 'definition', 'computed_at', 'id'],
    rows: segments.map((s) => ({
      name: s.name,
      type: s.type,
      members: s.members,
      share: share(s),
      as_of: s.asOf,
      definition: s.definition,
      computed_at: s.computedAt?.slice(0, 19).replace('T', ' ') ?? null,
      id: s.id,
    })),
  };
}

function showText(s: SegmentInfo): string {
  const lines: [string, string][] = [
    ['name', s.name],
    ['id', s.id],
    ['type', s.type],
    ['members', s.members === null ? 'not computed yet' : s.members.toLocaleString('en-US')],
  ];
  if (s.population !== null)
    lines.push(['of', `${s.population.toLocaleString('en-US')} users seen by then (${share(s)})`]);
  if (s.asOf !== null)
    lines.push(['as of', `${s.asOf}${s.pinned ? ' (fixed)' : ' (the last day with data)'}`]);
  lines.push(['definition', s.definition]);
  if (s.computedAt !== null)
    lines.push(['computed', s.computedAt.slice(0, 19).replace('T', ' ') + ' UTC']);
  if (s.small) lines.push(['note', 'small: too few members to compare with much confidence']);
  if (s.stale) lines.push(['note', 'computed on older data']);
  for (const w of s.warnings) lines.push(['warning', w]);
  const width = Math.max(...lines.map(([k]) => k.length));
  return `${lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

async function segmentsOf(api: ApiClient, options: CallOptions): Promise<SegmentInfo[]> {
  return api['segments.list']({}, options);
}

/** `workbench segments list|show|create|members`: the Segments view from the terminal. */
export function addSegmentsCommand(
  program: Command,
  io: CliIo,
  workspaceOption: () => Option,
  state: { jsonErrors: boolean },
): void {
  const segments = program
    .command('segments')
    .description('List, show, create saved segments, and write their members');

  segments
    .command('list')
    .description('The saved segments: members, share, as-of day, definition')
    .addOption(workspaceOption())
    .addOption(formatOption())
    .action(async (opts: { workspace?: string; format: OutputFormat }) => {
      state.jsonErrors = opts.format === 'json';
      await withSession(
        opts.workspace,
        { create: false, readOnly: false },
        { showProgress: opts.format !== 'json', io },
        async (s) => {
          const list = await segmentsOf(s.api, s.options);
          const text =
            opts.format === 'json'
              ? renderJson(list)
              : list.length === 0 && opts.format === 'table'
                ? 'No segments yet: workbench segments create SPEC.json\n'
                : render(listTable(list), opts.format);
          await emit(io, text, undefined);
        },
      );
    });

  segments
    .command('show')
    .description('One segment: its members, as-of day and definition in words')
    .argument('<name>', 'the segment name or id')
    .addOption(workspaceOption())
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(async (name: string, opts: { workspace?: string; format: 'table' | 'json' }) => {
      state.jsonErrors = opts.format === 'json';
      await withSession(
        opts.workspace,
        { create: false, readOnly: false },
        { showProgress: opts.format !== 'json', io },
        async (s) => {
          const segment = pick(await segmentsOf(s.api, s.options), name);
          await emit(
            io,
            opts.format === 'json' ? renderJson(segment) : showText(segment),
            undefined,
          );
        },
      );
    });

  segments
    .command('create')
    .description(
      'Save a dynamic segment from a spec file ({"type": "dynamic", "rule": ...}) and compute its members',
    )
    .argument('<spec>', 'JSON spec file; "name" in it, or --name')
    .option('--name <name>', 'the segment name (default: the file\u2019s "name")')
    .addOption(workspaceOption())
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(
      async (
        file: string,
        opts: { workspace?: string; name?: string; format: 'table' | 'json' },
      ) => {
        state.jsonErrors = opts.format === 'json';
        const raw = await readSpec(file);
        const { name: inFile, ...spec } =
          typeof raw === 'object' && raw !== null && !Array.isArray(raw)
            ? (raw as Record<string, unknown>)
            : { name: undefined };
        const name = opts.name ?? (typeof inFile === 'string' ? inFile : undefined);
        if (name === undefined) {
          throw new ApiError(
            'INVALID_REQUEST',
            `Name the segment: --name NAME, or "name" in ${file}.`,
          );
        }
        await withSession(
          opts.workspace,
          { create: false, readOnly: false },
          { showProgress: opts.format !== 'json', io },
          async (s) => {
            const saved = await s.api['segments.save']({ name, spec: spec as never }, s.options);
            await emit(io, opts.format === 'json' ? renderJson(saved) : showText(saved), undefined);
          },
        );
      },
    );

  segments
    .command('members')
    .description(
      'The members of a segment; with --out, every member with their metrics over the 28 days up to its as-of day (.csv or .parquet)',
    )
    .argument('<name>', 'the segment name or id')
    .option('--out <file>', 'write every member, with their metrics, to a .csv or .parquet file')
    .option('--limit <n>', 'members printed to the terminal', '100')
    .addOption(workspaceOption())
    .addOption(formatOption())
    .action(
      async (
        name: string,
        opts: { workspace?: string; out?: string; limit: string; format: OutputFormat },
      ) => {
        state.jsonErrors = opts.format === 'json';
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1) {
          throw new ApiError(
            'INVALID_REQUEST',
            `--limit is a whole number of members, not '${opts.limit}'.`,
          );
        }
        await withSession(
          opts.workspace,
          { create: false, readOnly: false },
          { showProgress: opts.format !== 'json', io },
          async (s) => {
            const segment = pick(await segmentsOf(s.api, s.options), name);
            if (opts.out !== undefined) {
              const written = await s.api['metrics.export'](
                {
                  spec: {
                    kind: 'metrics',
                    window: {
                      type: 'calendar',
                      days: 28,
                      ...(segment.asOf === null ? {} : { asOf: segment.asOf }),
                    },
                    segment: segment.id,
                  },
                  path: opts.out,
                },
                s.options,
              );
              io.stderr.write(
                `Wrote ${written.rows.toLocaleString('en-US')} members of ${segment.name} to ${written.path} (${written.format})\n`,
              );
              return;
            }
            const page = await s.api['segments.members']({ id: segment.id, limit }, s.options);
            const rows = tableFromIPC(Buffer.from(page.arrow, 'base64'))
              .toArray()
              .map((r: { toJSON(): Record<string, unknown> }) => {
                const row = r.toJSON();
                return Object.fromEntries(
                  Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
                );
              });
            const table = {
              columns: rows[0] === undefined ? ['user_id'] : Object.keys(rows[0]),
              rows,
            };
            const text = opts.format === 'json' ? renderJson(rows) : render(table, opts.format);
            await emit(io, text, undefined);
            if (page.total !== null && page.total > rows.length)
              io.stderr.write(
                `${rows.length} of ${page.total.toLocaleString('en-US')} members; --out FILE writes them all\n`,
              );
          },
        );
      },
    );
}
