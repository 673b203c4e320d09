import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENTS_AS_TEXT, tempWorkspace, type TempWorkspace } from '../../testing/temp-workspace';

const fixture = (name: string): string => path.join(import.meta.dirname, 'fixtures', name);

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(() => ws.close());

describe('Mixpanel raw export', () => {
  it('maps distinct_id, epoch-second time and $insert_id, and flattens properties', async () => {
    const s = await ws.api['import.events']({ files: [fixture('mixpanel.ndjson')] });
    expect(s.preset).toBe('mixpanel');
    expect(s.mapping).toMatchObject({
      userId: ['properties.distinct_id'],
      event: 'event',
      timestamp: 'properties.time',
      insertId: 'properties.$insert_id',
    });
    expect(s.rowsRead).toBe(4);
    expect(s.rowsImported).toBe(3);
    expect(s.skipped).toEqual({
      missingUser: 0,
      missingTimestamp: 0,
      missingEvent: 0,
      duplicate: 1,
    });
    const rows = await ws.rows(EVENTS_AS_TEXT);
    expect(rows.map((r) => [r.user_id, r.event, r.ts, r.$browser, r.plan, r.amount])).toEqual([
      ['alice', 'Signed Up', '2024-03-01 10:00:00.000000', 'Chrome', 'free', null],
      ['alice', 'Viewed Report', '2024-03-01 10:01:00.000000', 'Chrome', null, null],
      // A 20-digit id stays text, every digit kept.
      ['12345678901234567890', 'Purchased', '2024-03-02 10:00:00.500000', null, 'pro', 49.5],
    ]);
    expect(JSON.parse(String(rows[1]?.report))).toEqual({ id: 7, name: 'Weekly' });
    // distinct_id, time and $insert_id are mapped, so they are not repeated as properties.
    expect(Object.keys(rows[0] ?? {})).not.toContain('distinct_id');
    expect(Object.keys(rows[0] ?? {})).not.toContain('time');
  });
});

describe('Amplitude export', () => {
  it('falls back from user_id to device_id and prefixes user properties', async () => {
    const s = await ws.api['import.events']({ files: [fixture('amplitude.json')] });
    expect(s.preset).toBe('amplitude');
    expect(s.mapping.userId).toEqual(['user_id', 'device_id']);
    expect(s.mapping.insertId).toBe('$insert_id');
    const rows = await ws.rows(EVENTS_AS_TEXT);
    expect(rows.map((r) => [r.user_id, r.event, r.ts, r.button, r.count, r.user_plan])).toEqual([
      ['u-1', 'sign_up', '2024-03-01 10:00:00.123000', 'signup', 2, 'free'],
      ['dev-2', 'click', '2024-03-01 11:30:00.000000', 'pricing', 1, 'free'],
      ['u-1', 'click', '2024-03-02 09:15:00.000000', 'upgrade', 5, 'pro'],
    ]);
    // Amplitude's own session_id must not collide with the workbench's.
    expect(rows[0]?.src_session_id).toBe('1709287200000');
    expect(rows[0]?.amplitude_id).toBe('98765432101');
    expect(Object.keys(rows[0] ?? {})).not.toContain('data');
  });
});

describe('Segment export', () => {
  it('reads a JSON array, names page calls, honours offsets and skips identify calls', async () => {
    const s = await ws.api['import.events']({ files: [fixture('segment.json')] });
    expect(s.preset).toBe('segment');
    expect(s.mapping.userId).toEqual(['userId', 'anonymousId']);
    expect(s.mapping.insertId).toBe('messageId');
    expect(s.rowsRead).toBe(3);
    expect(s.rowsImported).toBe(2);
    expect(s.skipped.missingEvent).toBe(1);
    const rows = await ws.rows(EVENTS_AS_TEXT);
    expect(rows.map((r) => [r.user_id, r.event, r.ts, r.revenue, r.path, r.context_ip])).toEqual([
      ['user-9', 'Order Completed', '2024-03-01 10:00:00.000000', 39.95, null, '203.0.113.7'],
      // 12:30 at +02:00 is 10:30 UTC.
      ['anon-2', 'Page Viewed', '2024-03-01 10:30:00.000000', null, '/pricing', '198.51.100.4'],
    ]);
  });
});

describe('PostHog export', () => {
  it('parses the properties JSON text column and prefers person_id', async () => {
    const s = await ws.api['import.events']({ files: [fixture('posthog.csv')] });
    expect(s.preset).toBe('posthog');
    expect(s.mapping.userId).toEqual(['person_id', 'distinct_id']);
    const rows = await ws.rows(EVENTS_AS_TEXT);
    expect(rows.map((r) => [r.user_id, r.event, r.ts, r.$browser])).toEqual([
      ['p-1', '$pageview', '2024-03-01 10:00:00.000000', 'Firefox'],
      ['p-1', '$autocapture', '2024-03-01 10:05:00.000000', 'Firefox'],
      ['def', 'signed_up', '2024-03-01 11:00:00.000000', 'Safari'],
    ]);
    expect(rows[0]?.$current_url).toBe('https://example.com/');
    expect(rows[1]?.$event_type).toBe('click');
  });
});

describe('GA4 BigQuery export', () => {
  it('reads microsecond epochs, event_params key/value lists and records', async () => {
    const s = await ws.api['import.events']({ files: [fixture('ga4.ndjson')] });
    expect(s.preset).toBe('ga4');
    expect(s.mapping.userId).toEqual(['user_id', 'user_pseudo_id']);
    const rows = await ws.rows(EVENTS_AS_TEXT);
    expect(
      rows.map((r) => [r.user_id, r.event, r.ts, r.page_title, r.geo_country, r.device_category]),
    ).toEqual([
      [
        '1234567890.1709287200',
        'page_view',
        '2024-03-01 10:00:00.123456',
        'Home',
        'France',
        'desktop',
      ],
      ['member-42', 'purchase', '2024-03-01 11:00:00.000000', 'Checkout', 'France', 'desktop'],
      [
        '987654321.1709373600',
        'page_view',
        '2024-03-02 10:00:00.000000',
        'Home',
        'Japan',
        'mobile',
      ],
    ]);
    expect(rows[0]?.ga_session_id).toBe('1709287200');
    expect(rows[1]?.value).toBe(59.9);
    expect(Object.keys(rows[0] ?? {})).not.toContain('event_date');
  });

  it('needs an event name when the export has no event_name column', async () => {
    const file = ws.write(
      'ga4-items.csv',
      'user_pseudo_id,event_timestamp,item_id\n3868899112.4128253975,1605937059520352,9196\n',
    );
    await expect(ws.api['import.events']({ files: [file] })).rejects.toMatchObject({
      code: 'MISSING_COLUMN',
      message: expect.stringContaining('--event-name'),
    });
    await ws.api['import.events']({ files: [file], mapping: { eventName: 'purchase' } });
    const rows = await ws.rows(EVENTS_AS_TEXT);
    expect(rows).toMatchObject([
      {
        user_id: '3868899112.4128253975',
        event: 'purchase',
        ts: '2020-11-21 05:37:39.520352',
        item_id: '9196',
      },
    ]);
  });
});

describe('transaction exports', () => {
  it('names rows purchase, C-invoices cancellation, and drops float artefacts from ids', async () => {
    const s = await ws.api['import.events']({ files: [fixture('transactions.csv')] });
    expect(s.preset).toBe('transactions');
    expect(s.skipped.missingUser).toBe(1);
    const rows = await ws.rows(EVENTS_AS_TEXT);
    expect(
      rows.map((r) => [r.user_id, r.event, r.ts, r.Quantity, r.UnitPrice, r.InvoiceNo]),
    ).toEqual([
      ['17850', 'purchase', '2010-12-01 08:26:00.000000', 6, 2.55, '536365'],
      ['17850', 'purchase', '2010-12-01 08:26:00.000000', 6, 3.39, '536365'],
      ['14527', 'cancellation', '2010-12-01 09:41:00.000000', -1, 27.5, 'C536379'],
    ]);
  });
});

describe('generic preset', () => {
  it('can be overridden column by column', async () => {
    // Nothing to guess from: the preview still shows the file so the analyst can map it.
    const preview = await ws.api['import.preview']({ files: [fixture('generic.csv')] });
    expect(preview.preset).toBe('generic');
    expect(preview.problem?.code).toBe('MISSING_COLUMN');
    expect(preview.fileColumns.map((c) => c.name)).toEqual([
      'account',
      'action',
      'happened_at',
      'amount',
      'product_id',
    ]);
    expect(preview.rows[0]).toMatchObject({ account: 'A-1', action: 'login' });
    const s = await ws.api['import.events']({
      files: [fixture('generic.csv')],
      mapping: { userId: 'account', event: 'action', timestamp: 'happened_at' },
    });
    expect(s.rowsImported).toBe(3);
    const rows = await ws.rows(EVENTS_AS_TEXT);
    expect(rows.map((r) => [r.user_id, r.event, r.ts, r.amount, r.product_id])).toEqual([
      ['A-1', 'login', '2024-03-01 08:00:00.000000', null, '1001'],
      ['A-1', 'export', '2024-03-01 08:10:00.000000', 12.5, '1002'],
      ['B-2', 'login', '2024-03-01 09:00:00.000000', null, '1001'],
    ]);
  });
});
