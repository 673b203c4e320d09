import { gzipSync } from 'node:zlib';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENTS_AS_TEXT, tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(() => ws.close());

const csv = (lines: string[]): string => `${lines.join('\n')}\n`;

describe('storage layout', () => {
  it('keys users densely in order of first appearance and stores rows in (uid, ts) order', async () => {
    const file = ws.write(
      'e.csv',
      csv([
        'user_id,event,timestamp',
        'zed,b,2024-01-02T00:00:00Z',
        'amy,a,2024-01-03T00:00:00Z',
        'zed,a,2024-01-01T00:00:00Z',
        'amy,c,2024-01-01T12:00:00Z',
      ]),
    );
    await ws.api['import.events']({ files: [file] });
    // zed appears first in time (Jan 1 00:00), amy second (Jan 1 12:00).
    expect(await ws.rows('SELECT uid, user_id, event_count FROM users ORDER BY uid')).toEqual([
      { uid: 0, user_id: 'zed', event_count: 2 },
      { uid: 1, user_id: 'amy', event_count: 2 },
    ]);
    const stored = await ws.rows(`SELECT uid, strftime(ts, '%d %H') AS t, event FROM events`);
    expect(stored).toEqual([
      { uid: 0, t: '01 00', event: 'a' },
      { uid: 0, t: '02 00', event: 'b' },
      { uid: 1, t: '01 12', event: 'c' },
      { uid: 1, t: '03 00', event: 'a' },
    ]);
  });

  it('derives sessions with a 30-minute gap; ties at a boundary share a session', async () => {
    const file = ws.write(
      's.csv',
      csv([
        'user_id,event,timestamp',
        'u,a,2024-01-01T10:00:00Z',
        'u,b,2024-01-01T10:30:00Z', // exactly 30 min: same session
        'u,c,2024-01-01T11:00:01Z', // 30 min 1 s: new session
        'u,d,2024-01-01T11:00:01Z', // tie with c: same session as c
        'u,e,2024-01-01T11:10:00Z',
        'v,a,2024-01-01T10:00:00Z',
      ]),
    );
    await ws.api['import.events']({ files: [file] });
    const rows = await ws.rows(
      `SELECT u.user_id, e.event, e.session_id - CAST(e.uid AS BIGINT) * 1000000 AS n FROM events e JOIN users u USING (uid) ORDER BY u.user_id, e.ts, e.event`,
    );
    expect(rows.map((r) => `${String(r.user_id)}${String(r.event)}${String(r.n)}`)).toEqual([
      'ua1',
      'ub1',
      'uc2',
      'ud2',
      'ue2',
      'va1',
    ]);
    const info = await ws.api['workspace.info']({});
    expect(info.sessions).toBe(3);
  });

  it('appends, re-sorts, de-duplicates on insert id across imports, and replaces', async () => {
    const first = ws.write(
      '1.csv',
      csv([
        'user_id,event,timestamp,insert_id',
        'u,a,2024-01-01T10:00:00Z,i1',
        'u,b,2024-01-01T11:00:00Z,i2',
      ]),
    );
    const second = ws.write(
      '2.csv',
      csv([
        'user_id,event,timestamp,insert_id',
        'u,b,2024-01-01T11:00:00Z,i2',
        'w,a,2024-01-01T09:00:00Z,i3',
        // A repeat within the file itself: only the first is kept, here and in the replace.
        'w,a,2024-01-01T09:00:00Z,i3',
      ]),
    );
    await ws.api['import.events']({ files: [first] });
    const s = await ws.api['import.events']({ files: [second] });
    expect(s.rowsImported).toBe(1);
    expect(s.skipped.duplicate).toBe(2);
    expect(s.newUsers).toBe(1);
    expect(s.totalEvents).toBe(3);
    expect((await ws.api['workspace.info']({})).sources).toHaveLength(2);

    const r = await ws.api['import.events']({ files: [second], mode: 'replace' });
    expect(r.totalEvents).toBe(2);
    expect(r.skipped.duplicate).toBe(1);
    const info = await ws.api['workspace.info']({});
    expect(info.events).toBe(2);
    expect(info.sources.map((x) => x.files.map((f) => path.basename(f)))).toEqual([['2.csv']]);
    // Users keep their keys across a replace; only users with events count.
    expect(info.users).toBe(2);
  });
});

describe('reading files', () => {
  const lines = ['user_id|event|timestamp', 'a|x|2024-01-01T00:00:00Z', 'b|y|2024-01-02T00:00:00Z'];

  it('reads a field quoted to hold a comma after a sample of 20,480 rows that quote nothing', async () => {
    // DuckDB sniffs the dialect on the first 20,480 rows; writers quote a field only when it needs it.
    const rows = Array.from({ length: 21_000 }, (_, i) => `u${i % 50},view,2024-01-01T00:00:00Z,p`);
    const file = ws.write(
      'late-quote.csv',
      `user_id,event,timestamp,page\n${rows.join('\n')}\nu1,view,2024-01-02T00:00:00Z,"a, b"\nu2,view,2024-01-02T00:00:00Z,5'10"\n`,
    );
    expect((await ws.api['import.events']({ files: [file] })).rowsImported).toBe(21_002);
    expect(
      await ws.rows(`SELECT page FROM events WHERE ts >= TIMESTAMP '2024-01-02' ORDER BY page`),
    ).toEqual([{ page: `5'10"` }, { page: 'a, b' }]);
  });

  it('reads gzip CSV, any delimiter, several files, folders and globs', async () => {
    const folder = path.join(ws.dir, 'exports');
    mkdirSync(folder);
    ws.write('exports/day1.csv.gz', gzipSync(csv(lines)));
    ws.write('exports/day2.tsv', csv(['user_id\tevent\ttimestamp', 'c\tz\t2024-01-03T00:00:00Z']));
    // Formats differ (pipes vs tabs) but both are CSV: one import of the folder.
    const s = await ws.api['import.events']({ files: [folder] });
    expect(s.files.map((f) => path.basename(f))).toEqual(['day1.csv.gz', 'day2.tsv']);
    expect(s.rowsImported).toBe(3);
    const g = await ws.api['import.events']({
      files: [path.join(folder, '*.csv.gz')],
      mode: 'replace',
    });
    expect(g.rowsImported).toBe(2);
  });

  it('takes an explicit delimiter and headerless files', async () => {
    const file = ws.write('h.csv', csv(['a;x;2024-01-01T00:00:00Z', 'b;y;2024-01-02T00:00:00Z']));
    const s = await ws.api['import.events']({
      files: [file],
      delimiter: ';',
      header: false,
      mapping: { userId: 'column0', event: 'column1', timestamp: 'column2' },
    });
    expect(s.rowsImported).toBe(2);
    expect((await ws.rows(EVENTS_AS_TEXT)).map((r) => r.user_id)).toEqual(['a', 'b']);
  });

  it('keeps a column as text when a late row contradicts its inferred type', async () => {
    const rows = ['user_id,event,timestamp,zip'];
    for (let i = 0; i < 25_000; i++) rows.push(`u${i % 7},e,2024-01-01T00:00:00Z,${10000 + i}`);
    rows.push('u1,e,2024-01-01T00:00:00Z,SW1A 1AA');
    const s = await ws.api['import.events']({ files: [ws.write('zip.csv', csv(rows))] });
    expect(s.rowsImported).toBe(25_001);
    expect(s.properties.find((p) => p.name === 'zip')?.type).toBe('VARCHAR');
    expect(await ws.rows(`SELECT count(*) AS n FROM events WHERE zip = 'SW1A 1AA'`)).toEqual([
      { n: 1 },
    ]);
  });

  it('keeps rare nested keys in the properties JSON and types the common ones', async () => {
    const lines2: string[] = [];
    for (let i = 0; i < 300; i++) {
      const props: Record<string, unknown> = {
        time: 1704067200 + i,
        distinct_id: `u${i % 3}`,
        plan: i % 2 ? 'pro' : 'free',
        n: i,
      };
      if (i === 7) props.rare = { deep: true };
      lines2.push(JSON.stringify({ event: 'e', properties: props }));
    }
    const s = await ws.api['import.events']({ files: [ws.write('mp.ndjson', lines2.join('\n'))] });
    expect(s.preset).toBe('mixpanel');
    expect(s.properties.map((p) => `${p.name}:${p.type}`).sort()).toEqual([
      'n:BIGINT',
      'plan:VARCHAR',
    ]);
    const rare = await ws.rows(`SELECT n, properties FROM events WHERE properties IS NOT NULL`);
    expect(rare).toHaveLength(1);
    expect(rare[0]?.n).toBe(7);
    expect(JSON.parse(String(rare[0]?.properties))).toEqual({ rare: { deep: true } });
  });

  it('names events by rules, then the column, then the constant', async () => {
    const file = ws.write(
      't.csv',
      csv([
        'cust,when,kind,qty',
        '1,2024-01-01T00:00:00Z,,2',
        '1,2024-01-02T00:00:00Z,refund,-1',
        '2,2024-01-03T00:00:00Z,gift,5',
      ]),
    );
    await ws.api['import.events']({
      files: [file],
      mapping: {
        userId: 'cust',
        timestamp: 'when',
        event: 'kind',
        eventName: 'purchase',
        eventRules: [{ column: 'qty', op: 'lessThan', value: 0, event: 'return' }],
      },
    });
    expect((await ws.rows(EVENTS_AS_TEXT)).map((r) => r.event)).toEqual([
      'purchase',
      'return',
      'gift',
    ]);
  });

  it('counts rows without user, timestamp or event instead of dropping them silently', async () => {
    const file = ws.write(
      'm.csv',
      csv([
        'user_id,event,timestamp',
        ',a,2024-01-01T00:00:00Z',
        'u,,2024-01-01T00:00:00Z',
        'u,a,',
        'u,a,2024-01-01T00:00:00Z',
        '  ,a,2024-01-01T00:00:00Z',
      ]),
    );
    const s = await ws.api['import.events']({ files: [file] });
    expect(s.skipped).toEqual({
      missingUser: 2,
      missingTimestamp: 1,
      missingEvent: 1,
      duplicate: 0,
    });
    expect(s.rowsImported).toBe(1);
    const source = (await ws.api['workspace.sources']({}))[0];
    expect(source?.skipped).toEqual({
      missingUser: 2,
      missingTimestamp: 1,
      missingEvent: 1,
      duplicate: 0,
    });
  });
});

describe('people import', () => {
  it('matches identities to users, adds unknown ones, never erases with blanks', async () => {
    await ws.api['import.events']({
      files: [
        ws.write(
          'e.csv',
          csv([
            'user_id,event,timestamp',
            '17850,a,2024-01-01T00:00:00Z',
            '13047,a,2024-01-02T00:00:00Z',
          ]),
        ),
      ],
    });
    const first = await ws.api['import.users']({
      files: [
        ws.write(
          'p.csv',
          csv([
            '$distinct_id,$email,First Name,last_name,Company,unsubscribed,tier',
            '17850.0,ann@acme.io,Ann,Lee,Acme,no,gold',
            '99999,zoe@x.io,Zoe,,X,yes,silver',
            '99999,zoe@x.io,Zoe,Ng,X,yes,silver',
          ]),
        ),
      ],
    });
    expect(first).toMatchObject({
      rowsRead: 3,
      updated: 1,
      added: 1,
      duplicateUserIds: 1,
      skippedMissingUser: 0,
    });
    expect(first.mapping).toMatchObject({
      userId: '$distinct_id',
      email: '$email',
      firstName: 'First Name',
      lastName: 'last_name',
      company: 'Company',
      optedOut: 'unsubscribed',
    });
    await ws.api['import.users']({
      files: [ws.write('p2.csv', csv(['user_id,email,tier', '17850,,platinum']))],
    });
    const users = await ws.rows(
      `SELECT user_id, email, first_name, last_name, company, opted_out, tier, event_count FROM users ORDER BY uid`,
    );
    expect(users).toEqual([
      {
        user_id: '17850',
        email: 'ann@acme.io',
        first_name: 'Ann',
        last_name: 'Lee',
        company: 'Acme',
        opted_out: false,
        tier: 'platinum',
        event_count: 1,
      },
      {
        user_id: '13047',
        email: null,
        first_name: null,
        last_name: null,
        company: null,
        opted_out: null,
        tier: null,
        event_count: 1,
      },
      {
        user_id: '99999',
        email: 'zoe@x.io',
        first_name: 'Zoe',
        last_name: 'Ng',
        company: 'X',
        opted_out: true,
        tier: 'silver',
        event_count: 0,
      },
    ]);
    const info = await ws.api['workspace.info']({});
    expect(info.users).toBe(2);
    expect(info.identities).toBe(2);
  });
});
