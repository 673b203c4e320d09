import { Option, type Command } from 'commander';
import { ApiError } from '../../shared/api/errors';
import { triggerSpecSchema, triggerWords, type TriggerSpec } from '../../shared/specs/trigger';
import { emit, readSpec } from './files';
import type { CliIo } from './io';
import { render, renderJson, type OutputFormat } from './output';
import { withSession } from './session';

/** A trigger spec file: the spec, and optionally its "name" (what payloads call it). */
async function readTrigger(
  file: string,
  name: string | undefined,
): Promise<{ spec: TriggerSpec; name: string }> {
  const raw = await readSpec(file);
  const { name: inFile, ...spec } =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? (raw as Record<string, unknown>)
      : { name: undefined };
  return {
    spec: spec as unknown as TriggerSpec,
    name: name ?? (typeof inFile === 'string' ? inFile : file.replace(/\.json$/i, '')),
  };
}

/** The spec in words, its defaults filled (the engine has accepted it by then). */
const words = (spec: TriggerSpec): string => {
  const parsed = triggerSpecSchema.safeParse(spec);
  return parsed.success ? triggerWords(parsed.data) : '';
};

const many = (n: number, unit: string): string =>
  `${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`;

const percent = (part: number, whole: number): string =>
  whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;

/** `workbench triggers run|backtest|send`: who to act on, whether it finds risk, and the webhook. */
export function addTriggersCommand(
  program: Command,
  io: CliIo,
  workspaceOption: () => Option,
  state: { jsonErrors: boolean },
): void {
  const triggers = program
    .command('triggers')
    .description('Who a trigger fires for, its backtest, and its webhook');
  const session = (workspace: string | undefined, json: boolean) =>
    [workspace, { create: false, readOnly: true }, { showProgress: !json, io }] as const;

  triggers
    .command('run')
    .description(
      'Who a trigger spec ({"condition": {"type": "inactivity", "days": 7}}) fires for as of a day; --out writes them (.csv or the .jsonl webhook payload)',
    )
    .argument('<spec>', 'JSON trigger spec; "name" in it names the trigger in payloads')
    .option(
      '--as-of <day>',
      'evaluate at the end of this day (YYYY-MM-DD); default the last day with data',
    )
    .option('--name <name>', 'the trigger name in the files (default: the file\u2019s "name")')
    .option('--out <file>', 'write every fired user to a .csv or .jsonl file')
    .option('--limit <n>', 'fired users printed to the terminal', '50')
    .addOption(workspaceOption())
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'csv'])
        .default('table'),
    )
    .action(
      async (
        file: string,
        opts: {
          asOf?: string;
          name?: string;
          out?: string;
          limit: string;
          workspace?: string;
          format: OutputFormat;
        },
      ) => {
        state.jsonErrors = opts.format === 'json';
        const { spec, name } = await readTrigger(file, opts.name);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new ApiError('INVALID_REQUEST', `--limit is a whole number, not '${opts.limit}'.`);
        await withSession(...session(opts.workspace, opts.format === 'json'), async (s) => {
          const asOf = opts.asOf === undefined ? {} : { asOf: opts.asOf };
          if (opts.out !== undefined) {
            const written = await s.api['triggers.export'](
              { spec, name, path: opts.out, ...asOf },
              s.options,
            );
            io.stderr.write(
              `Wrote ${many(written.rows, 'user')} to ${written.path} (${written.format}, as of ${written.asOf})\n`,
            );
            return;
          }
          const r = await s.api['triggers.run']({ spec, limit, ...asOf }, s.options);
          if (opts.format === 'json') {
            await emit(io, renderJson(r), undefined);
            return;
          }
          const keys = [...new Set(r.fires.flatMap((f) => Object.keys(f.context)))];
          const table = {
            columns: ['user_id', 'email', 'fired_at', 'stale', ...keys],
            rows: r.fires.map((f) => ({
              user_id: f.user_id,
              email: f.email,
              fired_at: f.fired_at,
              stale: f.stale ? 'stale' : '',
              ...f.context,
            })),
          };
          if (opts.format === 'table') {
            io.stdout.write(
              `${name}: ${words(spec)}\n${many(r.total, 'user')} ${r.total === 1 ? 'fires' : 'fire'} as of ${r.asOf} (${r.stale.toLocaleString('en-US')} stale: fired more than 48 hours before)\n`,
            );
          }
          await emit(io, render(table, opts.format), undefined);
          if (r.truncated)
            io.stderr.write(
              `${r.fires.length} of ${r.total.toLocaleString('en-US')} shown; --out FILE writes them all\n`,
            );
        });
      },
    );

  triggers
    .command('backtest')
    .description(
      'A trigger replayed over past days: fires per day, and who came back within 14 days or churned',
    )
    .argument('<spec>', 'JSON trigger spec')
    .requiredOption('--from <day>', 'first day (YYYY-MM-DD)')
    .requiredOption('--to <day>', 'last day (YYYY-MM-DD)')
    .addOption(workspaceOption())
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'csv'])
        .default('table'),
    )
    .action(
      async (
        file: string,
        opts: { from: string; to: string; workspace?: string; format: OutputFormat },
      ) => {
        state.jsonErrors = opts.format === 'json';
        const { spec, name } = await readTrigger(file, undefined);
        await withSession(...session(opts.workspace, opts.format === 'json'), async (s) => {
          const r = await s.api['triggers.backtest'](
            { spec, from: opts.from, to: opts.to },
            s.options,
          );
          if (opts.format === 'json') {
            await emit(io, renderJson(r), undefined);
            return;
          }
          if (opts.format === 'table') {
            io.stdout.write(
              `${name}: ${words(spec)}, ${r.from} – ${r.to}\n${many(r.fires, 'fire')} for ${many(r.users, 'user')}: ${percent(r.cameBack, r.fires)} came back within 14 days on their own, ${percent(r.churned, r.fires)} churned, ${percent(r.unknown, r.fires)} not known yet\n`,
            );
            for (const w of r.warnings) io.stderr.write(`${w}\n`);
          }
          const table = {
            columns: ['day', 'fires', 'came_back', 'churned', 'not_known_yet'],
            rows: r.days.map((d) => ({
              day: d.day,
              fires: d.fires,
              came_back: d.cameBack,
              churned: d.churned,
              not_known_yet: d.unknown,
            })),
          };
          await emit(io, render(table, opts.format), undefined);
        });
      },
    );

  triggers
    .command('send')
    .description('POST who a trigger fires for to a URL in batches; a dry run unless --send')
    .argument('<spec>', 'JSON trigger spec; "name" in it names the trigger in payloads')
    .requiredOption('--url <url>', 'where to POST (http:// or https://)')
    .option('--send', 'really send (without it: what would be sent, and nothing is)')
    .option('--as-of <day>', 'evaluate at the end of this day (YYYY-MM-DD)')
    .option('--name <name>', 'the trigger name in the payloads')
    .option('--batch-size <n>', 'users per request', '100')
    .option('--header <header...>', 'extra request headers, "Name: value"')
    .addOption(workspaceOption())
    .action(
      async (
        file: string,
        opts: {
          url: string;
          send?: boolean;
          asOf?: string;
          name?: string;
          batchSize: string;
          header?: string[];
          workspace?: string;
        },
      ) => {
        const { spec, name } = await readTrigger(file, opts.name);
        const headers: Record<string, string> = {};
        for (const h of opts.header ?? []) {
          const at = h.indexOf(':');
          if (at <= 0)
            throw new ApiError('INVALID_REQUEST', `--header is "Name: value", not '${h}'.`);
          headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
        }
        await withSession(...session(opts.workspace, false), async (s) => {
          const r = await s.api['triggers.send'](
            {
              spec,
              name,
              url: opts.url,
              dryRun: opts.send !== true,
              batchSize: Number(opts.batchSize),
              headers,
              ...(opts.asOf === undefined ? {} : { asOf: opts.asOf }),
            },
            s.options,
          );
          io.stdout.write(
            r.dryRun
              ? `Dry run: ${many(r.users, 'user')} in ${many(r.batches, 'request')} would go to ${r.url}; nothing was sent (add --send). The first request's body:\n${JSON.stringify(r.sample, null, 2)}\n`
              : `Sent ${many(r.sent, 'user')} in ${many(r.batches, 'request')} to ${r.url} (${r.attempts === 1 ? '1 try' : `${r.attempts} tries`}).\n`,
          );
        });
      },
    );
}
