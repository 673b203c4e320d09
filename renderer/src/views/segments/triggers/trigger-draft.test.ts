import { describe, expect, it } from 'vitest';
import type { TriggerFire } from '../../../../../shared/specs/trigger';
import {
  backtestWords,
  conditionOfType,
  contextKeys,
  defaultBacktestRange,
  fileStem,
  firesCsv,
  firesJsonl,
  guessDefaults,
  parseHeaders,
  parsedSpec,
  runWords,
  specProblems,
} from './trigger-draft';

const defaults = {
  login: 'app_opened',
  feature: 'report_created',
  negative: 'support_ticket_opened',
  start: 'signed_up',
  segment: 'seg1',
};
const only = (event: string) => ({ event, where: [] });

describe('conditionOfType', () => {
  it('keeps the event and the days where the new type has them', () => {
    const underuse = conditionOfType(
      'underuse',
      { type: 'milestone', milestone: only('report_shared'), days: 10 },
      defaults,
    );
    expect(underuse).toEqual({
      type: 'underuse',
      event: only('report_shared'),
      fewerThan: 2,
      days: 10,
    });
    expect(conditionOfType('milestone', underuse, defaults)).toEqual({
      type: 'milestone',
      milestone: only('report_shared'),
      days: 10,
    });
  });
  it('starts a type from the workspace defaults where nothing carries over', () => {
    const segment = conditionOfType(
      'segment',
      { type: 'inactivity', event: only('app_opened'), days: 7 },
      defaults,
    );
    expect(segment).toEqual({ type: 'segment', segment: 'seg1' });
    expect(conditionOfType('negative', segment, defaults)).toEqual({
      type: 'negative',
      event: only('support_ticket_opened'),
      atLeast: 2,
      hours: 72,
    });
    expect(conditionOfType('underuse', segment, defaults)).toMatchObject({
      event: only('report_created'),
      days: 14,
    });
  });
  it("does not take an inactivity's login event for a feature", () => {
    expect(
      conditionOfType(
        'milestone',
        { type: 'inactivity', event: only('app_opened'), days: 5 },
        defaults,
      ),
    ).toEqual({ type: 'milestone', milestone: only('report_created'), days: 5 });
  });
  it('returns the same condition for the same type', () => {
    const c = { type: 'inactivity', event: only('$any'), days: 3 } as const;
    expect(conditionOfType('inactivity', c, defaults)).toBe(c);
  });
});

describe('guessDefaults', () => {
  it("picks the demo's login, feature and complaint events", () => {
    expect(
      guessDefaults(
        ['signed_up', 'app_opened', 'dashboard_viewed', 'report_created', 'support_ticket_opened'],
        '',
      ),
    ).toEqual({
      login: 'app_opened',
      feature: 'report_created',
      negative: 'support_ticket_opened',
      start: 'signed_up',
      segment: '',
    });
  });
  it('falls back to any event and the first event', () => {
    expect(guessDefaults(['a', 'b'], 's')).toEqual({
      login: '$any',
      feature: 'a',
      negative: 'a',
      start: 'a',
      segment: 's',
    });
  });
});

describe('specProblems', () => {
  it('says nothing about a valid spec, and fills its defaults', () => {
    const spec = { version: 1, condition: { type: 'inactivity', days: 7 }, cooldownDays: 7 };
    expect(specProblems(spec)).toEqual([]);
    expect(parsedSpec(spec)?.condition).toEqual({
      type: 'inactivity',
      event: { event: '$any', where: [] },
      days: 7,
    });
  });
  it('names the field and what it needs', () => {
    expect(
      specProblems({
        version: 1,
        condition: { type: 'inactivity', event: only('x'), days: 0 },
        cooldownDays: 7,
      }),
    ).toEqual(['days: the inactivity is at least 1 day']);
    expect(
      specProblems({
        version: 1,
        condition: { type: 'segment', segment: '' },
        cooldownDays: Number.NaN,
      }),
    ).toEqual(['segment: pick a dynamic segment', 'cooldownDays: a number is needed']);
    expect(parsedSpec({ version: 1, condition: { type: 'segment', segment: '' } })).toBeNull();
  });
});

describe('words', () => {
  it('says who fires and how many are stale', () => {
    expect(runWords({ total: 37, stale: 12, asOf: '2026-03-16' })).toBe(
      '37 users fire as of 2026-03-16 (12 stale, fired more than 48 h before)',
    );
    expect(runWords({ total: 1, stale: 0, asOf: '2026-03-16' })).toBe(
      '1 user fires as of 2026-03-16 (none stale)',
    );
  });
  it('gives the backtest outcomes as shares of the fires', () => {
    expect(backtestWords({ fires: 1234, cameBack: 506, churned: 457, unknown: 271 })).toBe(
      'Of 1,234 fires: 41% came back within 14 days on their own, 37% churned, 22% not known yet',
    );
    expect(backtestWords({ fires: 1000, cameBack: 3, churned: 997, unknown: 0 })).toBe(
      'Of 1,000 fires: 0.3% came back within 14 days on their own, 100% churned, 0% not known yet',
    );
    expect(backtestWords({ fires: 0, cameBack: 0, churned: 0, unknown: 0 })).toBe(
      'No fire in the range.',
    );
  });
});

describe('defaultBacktestRange', () => {
  it('covers the last 90 days up to the as-of day, not before the data', () => {
    expect(defaultBacktestRange('2026-03-16', '2025-01-01')).toEqual({
      from: '2025-12-17',
      to: '2026-03-16',
    });
    expect(defaultBacktestRange('2026-03-16', '2026-02-01')).toEqual({
      from: '2026-02-01',
      to: '2026-03-16',
    });
  });
});

const fires: TriggerFire[] = [
  {
    user_id: 'u1',
    email: 'a@x.example',
    fired_at: '2026-03-16T10:00:00.000Z',
    stale: false,
    context: { days_inactive: 7, last_event: 'app_opened' },
  },
  {
    user_id: 'u2',
    email: null,
    fired_at: '2026-03-10T10:00:00.000Z',
    stale: true,
    context: { days_inactive: 13, note: 'a, "quoted"' },
  },
];

describe('the files', () => {
  it('writes the CSV as the engine does: fixed columns, then each context key', () => {
    expect(contextKeys(fires)).toEqual(['days_inactive', 'last_event', 'note']);
    expect(firesCsv('Gone quiet', '2026-03-16', fires).split('\n')).toEqual([
      'user_id,email,trigger,fired_at,as_of,stale,days_inactive,last_event,note',
      'u1,a@x.example,Gone quiet,2026-03-16T10:00:00.000Z,2026-03-16,false,7,app_opened,',
      'u2,,Gone quiet,2026-03-10T10:00:00.000Z,2026-03-16,true,13,,"a, ""quoted"""',
      '',
    ]);
  });
  it('writes one payload object per line', () => {
    const lines = firesJsonl('Gone quiet', '2026-03-16', fires).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        user_id: 'u1',
        email: 'a@x.example',
        trigger: 'Gone quiet',
        fired_at: '2026-03-16T10:00:00.000Z',
        as_of: '2026-03-16',
        stale: false,
        context: { days_inactive: 7, last_event: 'app_opened' },
      },
      expect.objectContaining({ user_id: 'u2', email: null, stale: true }),
    ]);
    expect(firesJsonl('t', '2026-03-16', [])).toBe('');
  });
  it('names files after the trigger', () => {
    expect(fileStem(' Gone quiet / 7 days ')).toBe('Gone-quiet-7-days');
    expect(fileStem('   ')).toBe('trigger');
  });
});

describe('parseHeaders', () => {
  it('reads Name: value lines and refuses a line without a name', () => {
    expect(parseHeaders('Authorization: Bearer abc:def\n\nX-Team: growth')).toEqual({
      headers: { Authorization: 'Bearer abc:def', 'X-Team': 'growth' },
    });
    expect(parseHeaders('just a value')).toEqual({
      problem: 'line 1: write a header as Name: value',
    });
  });
});
