import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import {
  contract,
  METHOD_NAMES,
  type CallOptions,
  type MethodName,
} from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import {
  FILE_FORMATS,
  PRESET_IDS,
  type EventRule,
  type FileFormat,
  type MappingOverride,
  type PresetId,
} from '../../shared/api/import-types';
import { WEEK_STARTS } from '../../shared/api/workspace-types';
import { parseAnalysisSpec } from '../../shared/specs/parse-spec';
import { resultTable } from '../../shared/specs/result-table';
import { defaultWorkspacePath, demoWorkspacePath } from '../engine/workspace/default-location';
import { QUERYABLE_TABLES } from '../engine/workspace/schema';
import { render, renderJson, type OutputFormat } from './output';
import { parseEventMap, parseEventRule, parsePositiveInt, parseUserMap } from './parse-options';
import {
  dataSpan,
  printError,
  printImportSummary,
  printInfo,
  printPreview,
  printResult,
  printUsersSummary,
} from './print';
import { processIo, type CliIo } from './io';
import { withSession } from './session';
import { emit, parseJson, readSpec } from './files';
import { addSegmentsCommand } from './segments-command';
import { addTriggersCommand } from './triggers-command';

const workspaceOption = (env: NodeJS.ProcessEnv): Option =>
  new Option(
    '-w, --workspace <file>',
    `workspace file (.duckdb); default ${defaultWorkspacePath(env)}`,
  );

/** What a run learnt while parsing: whether its errors are also printed as JSON. */
interface RunState {
  jsonErrors: boolean;
}

export function buildProgram(
  io: CliIo = processIo(),
  state: RunState = { jsonErrors: false },
): Command {
  const program = new Command('workbench')
    // Before any command is added, so that every one inherits them: help and usage errors go to
    // this run's streams, and end the run with a code instead of the process.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .description(
      'Retention Workbench: import product-analytics event exports into a local DuckDB workspace and analyse them offline.',
    )
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ sortSubcommands: false });

  program
    .command('import')
    .description(
      'Import event exports (CSV/TSV, Parquet, NDJSON/JSON; files, folders or globs) into the workspace',
    )
    .argument('<files...>', 'files, folders or globs (quote globs: "exports/*.json.gz")')
    .addOption(workspaceOption(io.env))
    .addOption(
      new Option('--preset <preset>', 'export layout (detected when omitted)').choices(PRESET_IDS),
    )
    .option(
      '--map <fields>',
      'override columns: user_id=COL[|FALLBACK],event=COL,ts=COL,insert_id=COL (people: email=COL,...)',
    )
    .option(
      '--event-name <name>',
      'event name for rows without one (transaction exports: purchase)',
    )
    .option(
      '--event-rule <rule>',
      "name events from a column: 'InvoiceNo^=C:cancellation', 'type=page:Page Viewed', 'qty<0:return' (repeatable)",
      parseEventRule,
    )
    .option('--tz <zone>', 'IANA time zone of timestamps written without an offset (default UTC)')
    .option(
      '--ts-format <format>',
      "strptime format of text timestamps that are not ISO 8601, e.g. '%d/%m/%Y %H:%M'",
    )
    .addOption(
      new Option('--format <format>', 'file format (detected from the name and content)').choices(
        FILE_FORMATS,
      ),
    )
    .option('--delimiter <char>', 'CSV delimiter (detected when omitted; \\t for tab)')
    .option(
      '--max-decompression-ratio <n>',
      'let a .gz file expand up to N times its size (default 100; beyond it the import stops as a possible decompression bomb)',
      parsePositiveInt,
    )
    .option(
      '--skip-space-check',
      'import even when the free-space estimate says the disk is too small (it errs high)',
      false,
    )
    .option('--no-header', 'CSV files have no header line (columns are then column0, column1, ...)')
    .option('--replace', 'replace the events of the workspace instead of appending', false)
    .option(
      '--users',
      'the files are people/contacts (user_id, email, names, company, opt-out, ...)',
      false,
    )
    .option('--preview', 'show the detected preset, mapping and first rows; import nothing', false)
    .option('--json', 'print the summary as JSON', false)
    .addHelpText(
      'after',
      `
Examples:
  workbench import mixpanel-export.ndjson.gz -w shop.duckdb
  workbench import online_retail.csv.gz -w retail.duckdb --tz Europe/London
  workbench import "ga4/events_*.parquet" -w ga4.duckdb --preset ga4
  workbench import events.csv -w w.duckdb --map user_id=account,event=action,ts=happened_at
  workbench import contacts.csv -w w.duckdb --users`,
    )
    .action(async (files: string[], opts: ImportOptions, command: Command) => {
      state.jsonErrors = opts.json;
      const header = command.getOptionValueSource('header') === 'cli' ? false : undefined;
      const read = {
        files,
        ...(opts.format === undefined ? {} : { format: opts.format }),
        ...(opts.delimiter === undefined ? {} : { delimiter: opts.delimiter }),
        ...(header === undefined ? {} : { header }),
        ...(opts.maxDecompressionRatio === undefined
          ? {}
          : { maxDecompressionRatio: opts.maxDecompressionRatio }),
      };
      if (opts.users && opts.preview) {
        throw new ApiError(
          'INVALID_REQUEST',
          '--preview shows how an event export would be read; people files (--users) have no preview. Run `workbench sql` on the workspace after importing, or drop --users.',
        );
      }
      // A preview reads the files, not the workspace: a scratch in-memory one, so it works on
      // a workspace that does not exist yet (or that the window holds) and creates nothing.
      const open = opts.preview ? ('scratch' as const) : { create: true, readOnly: false };
      await withSession(
        opts.workspace,
        open,
        { showProgress: !opts.json, commits: true, io },
        async (s) => {
          if (opts.users) {
            const summary = await s.api['import.users'](
              { ...read, ...(opts.map === undefined ? {} : { mapping: parseUserMap(opts.map) }) },
              s.options,
            );
            s.stop();
            io.stdout.write(opts.json ? renderJson(summary) : printUsersSummary(summary));
            return;
          }
          const mapping: MappingOverride = opts.map === undefined ? {} : parseEventMap(opts.map);
          if (opts.eventName !== undefined) mapping.eventName = opts.eventName;
          if (opts.eventRule !== undefined) mapping.eventRules = opts.eventRule;
          if (opts.tsFormat !== undefined) mapping.timestampFormat = opts.tsFormat;
          const request = {
            ...read,
            mapping,
            mode: opts.replace ? ('replace' as const) : ('append' as const),
            ...(opts.preset === undefined ? {} : { preset: opts.preset }),
            ...(opts.tz === undefined ? {} : { sourceTimezone: opts.tz }),
          };
          if (opts.preview) {
            const preview = await s.api['import.preview']({ ...request, limit: 10 }, s.options);
            io.stdout.write(opts.json ? renderJson(preview) : printPreview(preview));
            return;
          }
          const summary = await s.api['import.events'](
            opts.skipSpaceCheck ? { ...request, skipSpaceCheck: true } : request,
            s.options,
          );
          s.stop();
          // Ctrl-C came too late to cancel (the import had committed): say so, or the analyst
          // retries and, without insert ids, imports every row twice.
          const late = s.interrupted()
            ? 'Already imported: Ctrl-C came after the import was committed, so nothing was cancelled (importing the same files again would add their rows twice).\n'
            : '';
          if (opts.json) {
            io.stderr.write(late);
            io.stdout.write(renderJson(summary));
          } else {
            io.stdout.write(`${late}${printImportSummary(summary)}`);
          }
        },
      );
    });

  program
    .command('demo')
    .description('Open the demo workspace (a seeded SaaS product), generating it on first use')
    .addOption(
      new Option(
        '-w, --workspace <file>',
        `demo workspace file; default ${demoWorkspacePath(io.env)}`,
      ),
    )
    .option('--regenerate', 'generate it again even if it exists', false)
    .option('--users <n>', 'people in the demo product (default 20,000)', parsePositiveInt)
    .option('--days <n>', 'days of history (default 120, up to yesterday)', parsePositiveInt)
    .option('--seed <n>', 'random seed (default 42)', parsePositiveInt)
    .option('--json', 'print as JSON', false)
    .action(
      async (opts: {
        workspace?: string;
        regenerate: boolean;
        users?: number;
        days?: number;
        seed?: number;
        json: boolean;
      }) => {
        state.jsonErrors = opts.json;
        await withSession(undefined, null, { showProgress: !opts.json, io }, async (s) => {
          const demo = await s.api['workspace.openDemo'](
            {
              regenerate: opts.regenerate,
              ...(opts.workspace === undefined ? {} : { path: opts.workspace }),
              ...(opts.users === undefined ? {} : { users: opts.users }),
              ...(opts.days === undefined ? {} : { days: opts.days }),
              ...(opts.seed === undefined ? {} : { seed: opts.seed }),
            },
            s.options,
          );
          const info = await s.api['workspace.info']({});
          s.stop();
          if (opts.json) {
            io.stdout.write(renderJson({ ...demo, info }));
            return;
          }
          const w = JSON.stringify(demo.path);
          io.stdout.write(
            `${demo.created ? 'Generated' : 'Opened'} the demo workspace: a SaaS product's events, seeded, ${dataSpan(info)}.\n\n${printInfo(info)}
Try:
  npx workbench sql "SELECT event, count(DISTINCT uid) AS users FROM events GROUP BY ALL ORDER BY users DESC" -w ${w}
  npx workbench run spec.json -w ${w}          (spec.json: {"kind": "eventTypes", "from": "YYYY-MM-DD"})
  npx workbench import YOUR-EXPORT.ndjson -w my.duckdb
`,
          );
        });
      },
    );

  program
    .command('info')
    .description('Rows, users, event types with counts, date range and sources of a workspace')
    .addOption(workspaceOption(io.env))
    .option('--json', 'print as JSON', false)
    .action(async (opts: { workspace?: string; json: boolean }) => {
      state.jsonErrors = opts.json;
      await withSession(
        opts.workspace,
        { create: false, readOnly: true },
        { showProgress: false, io },
        async (s) => {
          const read = await s.api['workspace.info']({});
          // A snapshot of a workspace the window holds: name the file the analyst gave.
          const info =
            s.snapshot && s.workspacePath !== null
              ? { ...read, workspace: { ...read.workspace, path: s.workspacePath } }
              : read;
          io.stdout.write(opts.json ? renderJson(info) : printInfo(info));
        },
      );
    });

  program
    .command('sql')
    .description(
      `Run SQL on the workspace (tables: ${Object.keys(QUERYABLE_TABLES).join(', ')}); read-only unless --write`,
    )
    .argument('<query>', 'SQL text, or @file.sql')
    .addOption(workspaceOption(io.env))
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'csv'])
        .default('table'),
    )
    .option('--limit <rows>', 'at most this many rows', parsePositiveInt, 10_000)
    .option('--write', 'allow statements that change the workspace', false)
    .option('--out <file>', 'write the result to a file instead of the terminal')
    .addHelpText(
      'after',
      `\nTables:\n${Object.entries(QUERYABLE_TABLES)
        .map(([name, row]) => `  ${name.padEnd(16)} ${row}`)
        .join('\n')}\n`,
    )
    .action(
      async (
        query: string,
        opts: {
          workspace?: string;
          format: OutputFormat;
          limit: number;
          write: boolean;
          out?: string;
        },
      ) => {
        state.jsonErrors = opts.format === 'json';
        const sql = query.startsWith('@') ? await readFile(query.slice(1), 'utf8') : query;
        await withSession(
          opts.workspace,
          { create: false, readOnly: !opts.write },
          { showProgress: false, io },
          async (s) => {
            const result = await s.api['sql.query'](
              { sql, write: opts.write, limit: opts.limit },
              s.options,
            );
            const text = render(result, opts.format, undefined, io.stdout.isTTY === true);
            await emit(io, text, opts.out);
            if (opts.format === 'table') {
              io.stderr.write(
                `${result.rows.length.toLocaleString('en-US')} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ` (cut at --limit ${opts.limit})` : ''} in ${result.seconds.toFixed(3)} s\n`,
              );
            }
          },
        );
      },
    );

  program
    .command('run')
    .description('Run an analysis spec file ({"kind": ...}) on the workspace')
    .argument('<spec>', 'JSON spec file')
    .addOption(workspaceOption(io.env))
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['json', 'csv', 'table'])
        .default('json'),
    )
    .option(
      '--out <file>',
      'write the result to a file instead of the terminal (a metrics spec writes its per-user table: .csv or .parquet)',
    )
    .action(
      async (
        specFile: string,
        opts: { workspace?: string; format: OutputFormat; out?: string },
      ) => {
        state.jsonErrors = opts.format === 'json';
        const spec = await readSpec(specFile);
        await withSession(
          opts.workspace,
          { create: false, readOnly: true },
          { showProgress: opts.format !== 'json', io },
          async (s) => {
            const result = await s.api['analysis.run']({ spec: spec as never }, s.options);
            const parsed = parseAnalysisSpec(spec);
            const text =
              opts.format === 'json'
                ? renderJson(result)
                : opts.format === 'table'
                  ? printResult(result, parsed.ok ? parsed.spec : undefined, {
                      bold: io.stdout.isTTY === true && opts.out === undefined,
                    })
                  : render(resultTable(result), opts.format);
            // A metrics spec's product is its per-user table: --out writes every user's row
            // (CSV or Parquet by the file's name), the terminal gets the distributions.
            if (parsed.ok && parsed.spec.kind === 'metrics' && opts.out !== undefined) {
              const written = await s.api['metrics.export'](
                { spec: parsed.spec, path: opts.out, filters: [] },
                s.options,
              );
              io.stderr.write(
                `Wrote ${written.rows.toLocaleString('en-US')} users to ${written.path} (${written.format})\n`,
              );
              await emit(io, text, undefined);
              return;
            }
            await emit(io, text, opts.out);
          },
        );
      },
    );

  addSegmentsCommand(program, io, () => workspaceOption(io.env), state);
  addTriggersCommand(program, io, () => workspaceOption(io.env), state);

  program
    .command('settings')
    .description('Show or change workspace settings (time zone, week start, session gap)')
    .addOption(workspaceOption(io.env))
    .option(
      '--timezone <zone>',
      'IANA zone in which days, weeks and months are cut (e.g. Europe/Paris)',
    )
    .addOption(new Option('--week-start <day>', 'first day of the week').choices(WEEK_STARTS))
    .option(
      '--session-gap <minutes>',
      'inactivity that ends a session (applies from the next import)',
      parsePositiveInt,
    )
    .option(
      '--memory-limit <size>',
      "memory DuckDB may use before it spills to disk, e.g. 4GB ('auto': from the machine's RAM)",
    )
    .option('--json', 'print as JSON', false)
    .action(
      async (opts: {
        workspace?: string;
        timezone?: string;
        weekStart?: 'monday' | 'sunday';
        sessionGap?: number;
        memoryLimit?: string;
        json: boolean;
      }) => {
        state.jsonErrors = opts.json;
        const change = {
          ...(opts.timezone === undefined ? {} : { timezone: opts.timezone }),
          ...(opts.weekStart === undefined ? {} : { weekStart: opts.weekStart }),
          ...(opts.sessionGap === undefined ? {} : { sessionGapMinutes: opts.sessionGap }),
          ...(opts.memoryLimit === undefined
            ? {}
            : { memoryLimit: opts.memoryLimit === 'auto' ? null : opts.memoryLimit }),
        };
        const writing = Object.keys(change).length > 0;
        await withSession(
          opts.workspace,
          { create: false, readOnly: !writing },
          { showProgress: false, io },
          async (s) => {
            const summary = writing
              ? await s.api['workspace.updateSettings'](change)
              : (await s.api['workspace.info']({})).workspace;
            io.stdout.write(
              opts.json
                ? renderJson(summary.settings)
                : `time zone     ${summary.settings.timezone}\nweek starts   ${summary.settings.weekStart}\nsession gap   ${summary.settings.sessionGapMinutes} minutes\nmemory limit  ${summary.settings.memoryLimit ?? 'auto'}\n`,
            );
          },
        );
      },
    );

  program
    .command('call')
    .description('Call any API method with a JSON request (the same contract as the app and HTTP)')
    .argument('<method>', `one of: ${METHOD_NAMES.join(', ')}`)
    .argument('[request]', 'JSON request, or @file.json', '{}')
    .addOption(workspaceOption(io.env))
    .option('--read-only', 'open the workspace read-only', false)
    .addHelpText(
      'after',
      `\nMethods:\n${METHOD_NAMES.map((m) => `  ${m.padEnd(26)} ${contract[m].summary}`).join('\n')}\n`,
    )
    .action(
      async (
        method: string,
        requestText: string,
        opts: { workspace?: string; readOnly: boolean },
      ) => {
        state.jsonErrors = true;
        if (!(METHOD_NAMES as string[]).includes(method)) {
          throw new ApiError(
            'UNKNOWN_METHOD',
            `No method '${method}'. Methods: ${METHOD_NAMES.join(', ')}.`,
          );
        }
        const text = requestText.startsWith('@')
          ? await readFile(requestText.slice(1), 'utf8')
          : requestText;
        const request = parseJson(text, 'request');
        await withSession(
          opts.workspace,
          { create: !opts.readOnly, readOnly: opts.readOnly },
          { showProgress: false, commits: method === 'import.events', io },
          async (s) => {
            const call = s.api[method as MethodName] as (
              r: unknown,
              o?: CallOptions,
            ) => Promise<unknown>;
            io.stdout.write(renderJson(await call(request, s.options)));
          },
        );
      },
    );

  return program;
}

interface ImportOptions {
  workspace?: string;
  preset?: PresetId;
  map?: string;
  eventName?: string;
  eventRule?: EventRule[];
  tz?: string;
  tsFormat?: string;
  format?: FileFormat;
  delimiter?: string;
  maxDecompressionRatio?: number;
  skipSpaceCheck: boolean;
  header: boolean;
  replace: boolean;
  users: boolean;
  preview: boolean;
  json: boolean;
}

/**
 * Runs one command, `args` as typed after `workbench`, and resolves to its exit code: what
 * `bin/workbench.js` runs, and what tests run in their own process with streams of their own.
 */
export async function runCli(args: string[], streams: Partial<CliIo> = {}): Promise<number> {
  const io = { ...processIo(), ...streams };
  const state: RunState = { jsonErrors: false };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ApiError) {
      const printed = printError(error, state.jsonErrors, io.stdout.isTTY === true);
      io.stderr.write(printed.stderr);
      io.stdout.write(printed.stdout);
      return error.code === 'CANCELLED' ? 130 : 1;
    }
    const code = (error as { code?: string; exitCode?: number }).code;
    if (
      code === 'commander.helpDisplayed' ||
      code === 'commander.version' ||
      code === 'commander.help'
    )
      return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return (error as { exitCode?: number }).exitCode ?? 2;
    }
    io.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
