import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportEventsSummary } from '../../../shared/api/import-types';
import { sharedWorkspace } from '../testing/shared-workspaces';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';

/** The team's real datasets (../shared/datasets), with the counts their READMEs document. */
const DATASETS = path.resolve(import.meta.dirname, '../../../../shared/datasets');
const dataset = (...parts: string[]): string => path.join(DATASETS, ...parts);

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(() => ws.close());

/**
 * Imports `file` into this test's workspace. The Parquet file, the REES46 slice and the GA4
 * sample are imported once per run for every test file that reads them (shared-workspaces.ts):
 * this test then checks that import, its summary and a copy of the workspace it made.
 */
async function imported(file: string): Promise<ImportEventsSummary> {
  const shared = (
    {
      'online_retail.parquet': 'online-retail',
      'rees46_2019-10-01_slice.csv': 'rees46',
      'ga4_sample.csv': 'ga4',
    } as const
  )[path.basename(file)];
  if (shared === undefined) return ws.api['import.events']({ files: [file] });
  ws.close();
  const copy = await sharedWorkspace(shared);
  ws = copy;
  return copy.made;
}

describe('Online Retail (UCI), CSV and Parquet alike', () => {
  /**
   * The CSV is imported as what its times are, the shop's UK wall-clock times (Europe/London);
   * the Parquet as written (UTC). Both ends of the range fall in GMT (winter) and the shop's
   * hours are far from midnight, so every count below is the same either way; a summer invoice
   * moves an hour.
   */
  it.each(['online_retail.csv.gz', 'online_retail.parquet'])('%s', async (file) => {
    const s = file.endsWith('.csv.gz')
      ? await ws.api['import.events']({
          files: [dataset('online-retail', file)],
          sourceTimezone: 'Europe/London',
        })
      : await imported(dataset('online-retail', file));
    expect(s.preset).toBe('transactions');
    expect(s.rowsRead).toBe(541_909);
    expect(s.rowsImported).toBe(406_829);
    expect(s.skipped).toEqual({
      missingUser: 135_080,
      missingTimestamp: 0,
      missingEvent: 0,
      duplicate: 0,
    });
    const info = await ws.api['workspace.info']({});
    expect(info.events).toBe(406_829);
    expect(info.users).toBe(4_372);
    expect(info.range).toEqual({ from: '2010-12-01T08:26:00Z', to: '2011-12-09T12:50:00Z' });
    expect(info.skipped).toEqual({
      missingUser: 135_080,
      missingTimestamp: 0,
      missingEvent: 0,
      duplicate: 0,
    });
    // README: 9,288 cancellation rows in all, of which those with a customer id are events.
    const kinds = await ws.rows(
      `SELECT event, count(*) AS n, count(DISTINCT uid) AS users FROM events GROUP BY event ORDER BY event`,
    );
    expect(kinds).toEqual([
      { event: 'cancellation', n: 8_905, users: 1_589 },
      { event: 'purchase', n: 397_924, users: 4_339 },
    ]);
    // The float-written ids of the CSV and the integer ids of the Parquet give the same users.
    expect(await ws.rows(`SELECT user_id FROM users WHERE user_id = '17850'`)).toEqual([
      { user_id: '17850' },
    ]);
    // README first-purchase cohorts (any row incl. cancellations): 2010-12 948, 2011-01 421.
    const cohorts = await ws.rows(
      `SELECT strftime(first_seen, '%Y-%m') AS m, count(*) AS n FROM users GROUP BY m ORDER BY m LIMIT 2`,
    );
    expect(cohorts).toEqual([
      { m: '2010-12', n: 948 },
      { m: '2011-01', n: 421 },
    ]);
    // Invoice 551000 is written 2011-04-26 09:15: BST (UTC+1) in the CSV read as UK time.
    const summer = await ws.rows(
      `SELECT strftime(min(ts), '%Y-%m-%d %H:%M') AS t FROM events WHERE "InvoiceNo" = '551000'`,
    );
    expect(summer).toEqual([
      { t: file.endsWith('.csv.gz') ? '2011-04-26 08:15' : '2011-04-26 09:15' },
    ]);
  });
});

describe('REES46 e-commerce slice', () => {
  it('imports view/cart/purchase events with 19-digit ids kept as text', async () => {
    const s = await imported(dataset('rees46-ecommerce-slice', 'rees46_2019-10-01_slice.csv'));
    expect(s.rowsImported).toBe(17_434);
    const info = await ws.api['workspace.info']({});
    expect(info.users).toBe(4_504);
    expect(info.range).toEqual({ from: '2019-10-01T00:00:00Z', to: '2019-10-01T02:50:00Z' });
    expect(info.eventTypes.map((e) => [e.event, e.events, e.users])).toEqual([
      ['view', 17_055, 4_504],
      ['purchase', 214, 193],
      ['cart', 165, 111],
    ]);
    expect(s.properties.find((p) => p.name === 'category_id')?.type).toBe('VARCHAR');
    expect(
      await ws.rows(`SELECT count(*) AS n FROM events WHERE category_id = '2053013552326770905'`),
    ).not.toEqual([{ n: 0 }]);
    expect(
      await ws.rows(`SELECT round(sum(price), 2) AS revenue FROM events WHERE event = 'purchase'`),
    ).toEqual([{ revenue: 59_442.63 }]);
  });
});

describe('GA4 obfuscated sample', () => {
  it('keeps user_pseudo_id as text and reads microsecond epochs', async () => {
    // Imported with mapping: { eventName: 'purchase' } (shared-workspaces.ts).
    const s = await imported(dataset('ga4-obfuscated-sample-purchases', 'ga4_sample.csv'));
    expect(s.preset).toBe('ga4');
    expect(s.rowsImported).toBe(16_003);
    const info = await ws.api['workspace.info']({});
    expect(info.users).toBe(4_418);
    expect(info.range).toEqual({
      from: '2020-11-01T00:27:14.469608Z',
      to: '2021-01-31T23:37:46.409473Z',
    });
    expect(
      await ws.rows(`SELECT count(*) AS n FROM users WHERE user_id = '3868899112.4128253975'`),
    ).toEqual([{ n: 1 }]);
    const months = await ws.rows(
      `SELECT strftime(ts, '%Y-%m') AS m, count(*) AS n, count(DISTINCT uid) AS users FROM events GROUP BY m ORDER BY m`,
    );
    expect(months).toEqual([
      { m: '2020-11', n: 6_244, users: 1_531 },
      { m: '2020-12', n: 6_869, users: 1_975 },
      { m: '2021-01', n: 2_890, users: 1_069 },
    ]);
    expect(await ws.rows(`SELECT sum(item_revenue_in_usd) AS r FROM events`)).toEqual([
      { r: 362_110 },
    ]);
  });
});
