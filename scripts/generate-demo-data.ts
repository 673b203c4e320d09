import { Command, InvalidArgumentError, Option } from 'commander';
import { DEMO_DEFAULTS, writeDemoExport } from '../electron/engine/demo/generate-demo-data';

const positive = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`'${text}' is not a positive whole number.`);
  return n;
};
const today = new Date().toISOString().slice(0, 10);

const program = new Command('generate-demo-data')
  .description('Write the seeded demo SaaS event export (events + people) as Parquet or CSV.')
  .requiredOption('--out <dir>', 'output folder')
  .option('--users <n>', 'number of people', positive, DEMO_DEFAULTS.users)
  .option('--days <n>', 'days of history', positive, DEMO_DEFAULTS.days)
  .option('--seed <n>', 'random seed: same options, same data', positive, DEMO_DEFAULTS.seed)
  .option('--end <date>', 'exclusive last day, YYYY-MM-DD (UTC)', today)
  .addOption(
    new Option('--format <format>', 'file format').choices(['parquet', 'csv']).default('parquet'),
  )
  .action(
    async (opts: {
      out: string;
      users: number;
      days: number;
      seed: number;
      end: string;
      format: 'parquet' | 'csv';
    }) => {
      const started = performance.now();
      const files = await writeDemoExport({ ...opts, outDir: opts.out });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `Wrote ${files.events.toLocaleString('en-US')} events (${files.eventsFile}) and ${files.users.toLocaleString('en-US')} people (${files.peopleFile}) in ${seconds} s\n`,
      );
    },
  );

await program.parseAsync(process.argv);
