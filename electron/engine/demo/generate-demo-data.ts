import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connect, openInstance } from '../duckdb/database';
import { literal, stringList } from '../duckdb/sql';
import { EVENTS, FEATURES, PLANS, PRIORITIES, simulate, type DemoUser } from './demo-model';
import { SeededRandom } from './seeded-random';
import demo from '../../../resources/demo/demo.json' with { type: 'json' };

export interface DemoOptions {
  /** Number of people. */
  users: number;
  /** Length of the history in days. */
  days: number;
  /** Same options => the same rows. */
  seed: number;
  /** 'YYYY-MM-DD', exclusive end day (UTC); the history covers [end - days, end). */
  end: string;
}

export interface DemoFiles {
  eventsFile: string;
  peopleFile: string;
  events: number;
  users: number;
}

/** The demo a first start opens is described in resources/demo (size and seed of the generator). */
export const DEMO_DEFAULTS = { users: demo.users, days: demo.days, seed: demo.seed } as const;

const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'Diego',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Isla',
  'Jonas',
  'Kira',
  'Luca',
  'Maya',
  'Nils',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
  'Umar',
  'Vera',
  'Wes',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Andersen',
  'Brown',
  'Costa',
  'Dubois',
  'Eriksson',
  'Fischer',
  'Garcia',
  'Hughes',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Müller',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quintero',
  'Rossi',
  'Silva',
  'Tanaka',
  'Usman',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zhang',
];
const COMPANY_WORDS = [
  'Acme',
  'Blue',
  'Bright',
  'Cloud',
  'Delta',
  'Echo',
  'Flux',
  'Green',
  'Harbor',
  'Iron',
  'Jade',
  'Kite',
  'Lumen',
  'Maple',
  'Nova',
  'Orbit',
  'Pine',
  'Quartz',
  'River',
  'Summit',
  'Tidal',
  'Umbra',
  'Vertex',
  'Willow',
  'Zenith',
];
const COMPANY_SUFFIXES = [
  'Labs',
  'Analytics',
  'Systems',
  'Works',
  'Health',
  'Logistics',
  'Finance',
  'Media',
  'Retail',
  'Software',
];

/**
 * Writes the demo SaaS export: events (user_id, event, timestamp, insert_id, plan, country,
 * platform, experiment_variant, feature, revenue, ticket_priority), ordered by time as a real
 * export is, and people (user_id, email, names, company, country, plan, signup_plan, signup_at,
 * opted_out). signup_plan ('free' or 'team_trial', the plan of signed_up) is what the planted
 * retention threshold depends on (resources/demo/FINDING.md).
 * The simulation writes compact numeric rows; DuckDB turns them into the export's text form.
 */
export async function writeDemoExport(
  opts: DemoOptions & { outDir: string; format: 'parquet' | 'csv' },
  onProgress?: (fraction: number) => void,
): Promise<DemoFiles> {
  const endMs = Date.parse(`${opts.end}T00:00:00Z`);
  if (!Number.isFinite(endMs))
    throw new Error(`end must be a date written YYYY-MM-DD, not '${opts.end}'`);
  if (!Number.isInteger(opts.users) || opts.users < 1)
    throw new Error('users must be a whole number above 0');
  if (!Number.isInteger(opts.days) || opts.days < 1)
    throw new Error('days must be a whole number above 0');
  const outDir = path.resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'workbench-demo-'));
  try {
    const rawFile = path.join(scratch, 'events.raw.csv');
    const users = await simulateToFile(opts, endMs, rawFile, (f) => onProgress?.(f * 0.6));
    const peopleRaw = path.join(scratch, 'people.raw.csv');
    await writePeople(users, opts.seed, peopleRaw);
    onProgress?.(0.65);
    const files = await convert(rawFile, peopleRaw, opts, outDir);
    onProgress?.(1);
    return files;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function simulateToFile(
  opts: DemoOptions,
  endMs: number,
  file: string,
  onProgress: (fraction: number) => void,
): Promise<DemoUser[]> {
  const out = createWriteStream(file);
  let buffer: string[] = [];
  let pending = Promise.resolve();
  const flush = (): void => {
    const text = buffer.join('');
    buffer = [];
    const previous = pending;
    pending = previous.then(
      () =>
        new Promise<void>((resolve, reject) => {
          out.write(text, (error) => (error ? reject(error) : resolve()));
        }),
    );
  };
  let seq = 0;
  let lastUser = -1;
  const users = simulate(
    { ...opts, endMs },
    (user, event, ms, plan, feature, revenue, priority) => {
      buffer.push(
        `${user},${seq++},${event},${ms},${plan},${feature},${revenue ?? ''},${priority}\n`,
      );
      if (buffer.length >= 50_000) flush();
      if (user !== lastUser && user % 2_000 === 0) onProgress(user / opts.users);
      lastUser = user;
    },
  );
  flush();
  await pending;
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return users;
}

async function writePeople(users: DemoUser[], seed: number, file: string): Promise<void> {
  const random = new SeededRandom(seed ^ 0x5eed);
  const companies = Array.from({ length: Math.max(20, Math.ceil(users.length / 8)) }, (_, i) => {
    const name = `${COMPANY_WORDS[i % COMPANY_WORDS.length]} ${COMPANY_SUFFIXES[Math.floor(i / COMPANY_WORDS.length) % COMPANY_SUFFIXES.length]}${i >= COMPANY_WORDS.length * COMPANY_SUFFIXES.length ? ` ${Math.floor(i / (COMPANY_WORDS.length * COMPANY_SUFFIXES.length)) + 1}` : ''}`;
    return { name, domain: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example` };
  });
  const lines = [
    'i,first,last,company,domain,country,platform,variant,plan,signup_plan,signup_ms,opted_out\n',
  ];
  for (const u of users) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const company = random.pick(companies);
    lines.push(
      `${u.index},${first},${last},${company.name},${company.domain},${u.country},${u.platform},${u.variant},${u.plan},${u.signupPlan},${u.signupMs},${random.chance(0.08)}\n`,
    );
  }
  const out = createWriteStream(file);
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(lines.join(''), resolve);
  });
}

async function convert(
  rawFile: string,
  peopleRaw: string,
  opts: DemoOptions & { format: 'parquet' | 'csv' },
  outDir: string,
): Promise<DemoFiles> {
  const instance = await openInstance(':memory:');
  try {
    const c = await connect(instance);
    const userId = (i: string): string => `printf('u_%06d', ${i})`;
    await c.run(`CREATE TABLE people AS SELECT * FROM read_csv(${literal(peopleRaw)}, header = true,
      columns = {'i': 'INTEGER', 'first': 'VARCHAR', 'last': 'VARCHAR', 'company': 'VARCHAR', 'domain': 'VARCHAR',
                 'country': 'VARCHAR', 'platform': 'VARCHAR', 'variant': 'VARCHAR', 'plan': 'VARCHAR',
                 'signup_plan': 'VARCHAR', 'signup_ms': 'BIGINT', 'opted_out': 'BOOLEAN'})`);
    const timestamp = opts.format === 'csv' ? `strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ')` : 'ts';
    const eventsFile = path.join(outDir, `events.${opts.format}`);
    const peopleFile = path.join(outDir, `people.${opts.format}`);
    const copyFormat =
      opts.format === 'csv' ? '(FORMAT csv, HEADER)' : '(FORMAT parquet, COMPRESSION zstd)';
    const events = await c.runAndReadAll(
      `SELECT count(*) AS n FROM read_csv(${literal(rawFile)}, header = false,
         columns = {'u': 'INTEGER', 'seq': 'BIGINT', 'e': 'INTEGER', 'ms': 'BIGINT', 'plan': 'INTEGER', 'f': 'INTEGER', 'rev': 'DOUBLE', 'prio': 'INTEGER'})`,
    );
    const count = Number(events.getRowsJS()[0]?.[0] ?? 0);
    await c.run(`COPY (
      SELECT ${userId('r.u')} AS user_id,
             ${stringList([...EVENTS])}[r.e + 1] AS event,
             ${timestamp} AS timestamp,
             substr(md5(${literal(`${opts.seed}:`)} || r.seq), 1, 24) AS insert_id,
             ${stringList([...PLANS])}[r.plan + 1] AS plan,
             p.country,
             p.platform,
             p.variant AS experiment_variant,
             nullif(${stringList([...FEATURES])}[r.f + 1], '') AS feature,
             r.rev AS revenue,
             CASE WHEN r.prio > 0 THEN ${stringList([...PRIORITIES])}[r.prio] END AS ticket_priority
      FROM (SELECT *, make_timestamp(ms * 1000) AS ts FROM read_csv(${literal(rawFile)}, header = false,
             columns = {'u': 'INTEGER', 'seq': 'BIGINT', 'e': 'INTEGER', 'ms': 'BIGINT', 'plan': 'INTEGER', 'f': 'INTEGER', 'rev': 'DOUBLE', 'prio': 'INTEGER'})) r
      JOIN people p ON p.i = r.u
      ORDER BY r.ts, r.u, r.seq
    ) TO ${literal(eventsFile)} ${copyFormat}`);
    await c.run(`COPY (
      SELECT ${userId('i')} AS user_id,
             lower(first || '.' || replace(last, 'ü', 'ue') || '.' || i) || '@' || domain AS email,
             first AS first_name, last AS last_name, company, country, plan, signup_plan,
             ${opts.format === 'csv' ? `strftime(make_timestamp(signup_ms * 1000), '%Y-%m-%dT%H:%M:%S.%gZ')` : 'make_timestamp(signup_ms * 1000)'} AS signup_at,
             opted_out
      FROM people ORDER BY i
    ) TO ${literal(peopleFile)} ${copyFormat}`);
    return { eventsFile, peopleFile, events: count, users: opts.users };
  } finally {
    instance.closeSync();
  }
}
