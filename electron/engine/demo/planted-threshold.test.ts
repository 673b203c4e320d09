import { beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, PLANS, simulate } from './demo-model';

/**
 * The finding resources/demo/FINDING.md promises, measured on the simulation's own events with
 * plain arithmetic: days 1-7 are the first 7x24 hours from a user's first event, retained means
 * any event in the 7x24 hours after that, and only users whose days 8-14 lie inside the history
 * count.
 */
const DAY = 86_400_000;
const END = Date.parse('2026-03-01T00:00:00Z');
const POPULATION = { users: 8_000, days: 90, seed: 11, endMs: END };
const RULES = {
  free: { event: 'report_created', threshold: 3 },
  team_trial: { event: 'teammate_invited', threshold: 2 },
} as const;
type Group = keyof typeof RULES;

interface Early {
  first: number;
  firstPlan: string;
  counts: Record<string, number>;
  retained: boolean;
}

function observe(): { group: Group; early: Early }[] {
  const users: Early[] = [];
  const simulated = simulate(POPULATION, (user, event, ms, plan) => {
    let u = users[user];
    if (u === undefined) {
      // The sink gets each user's events in order of time from signed_up on.
      u = { first: ms, firstPlan: PLANS[plan] ?? '?', counts: {}, retained: false };
      users[user] = u;
    }
    const name = EVENTS[event] ?? '?';
    if (ms < u.first + 7 * DAY) u.counts[name] = (u.counts[name] ?? 0) + 1;
    else if (ms < u.first + 14 * DAY) u.retained = true;
  });
  return simulated.flatMap((person) => {
    const early = users[person.index];
    if (early === undefined || early.first + 14 * DAY > END) return [];
    expect(early.firstPlan).toBe(person.signupPlan);
    return [{ group: person.signupPlan as Group, early }];
  });
}

/** Share retained among the users of `group` whose count of `event` in days 1-7 is `at`. */
function retention(
  users: { group: Group; early: Early }[],
  group: Group,
  event: string,
  at: (count: number) => boolean,
): { users: number; rate: number } {
  const picked = users.filter((u) => u.group === group && at(u.early.counts[event] ?? 0));
  const retained = picked.filter((u) => u.early.retained).length;
  return { users: picked.length, rate: retained / Math.max(1, picked.length) };
}

describe('the planted retention threshold', () => {
  let users: { group: Group; early: Early }[] = [];
  beforeAll(() => {
    users = observe();
  });

  it('signs a quarter of users up on a team trial, the rest on free', () => {
    const team = users.filter((u) => u.group === 'team_trial').length / users.length;
    expect(team).toBeGreaterThan(0.2);
    expect(team).toBeLessThan(0.3);
    expect(users.length).toBeGreaterThan(5_000);
  });

  it.each(Object.entries(RULES) as [Group, (typeof RULES)[Group]][])(
    'retains %s users at the threshold of their behaviour far more, with a step at the threshold only',
    (group, { event, threshold }) => {
      const exactly = (k: number) => retention(users, group, event, (c) => c === k);
      const above = retention(users, group, event, (c) => c >= threshold);
      const below = retention(users, group, event, (c) => c < threshold);
      expect(above.users).toBeGreaterThan(250);
      expect(below.users).toBeGreaterThan(250);
      expect(above.rate).toBeGreaterThan(0.55);
      expect(below.rate).toBeLessThan(0.3);

      // Early counts spread across the threshold, so it can be found one step at a time.
      for (const k of [threshold - 1, threshold, threshold + 1])
        expect(exactly(k).users, `${event} = ${k}`).toBeGreaterThan(40);
      const step = (k: number): number => exactly(k).rate - exactly(k - 1).rate;
      expect(step(threshold)).toBeGreaterThan(0.3);
      expect(step(threshold)).toBeGreaterThan(Math.abs(step(threshold - 1)) + 0.2);
      expect(step(threshold)).toBeGreaterThan(Math.abs(step(threshold + 1)) + 0.2);
    },
  );

  it("differs by plan: the free users' behaviour is no step for a team trial", () => {
    const reports = (k: number) =>
      retention(users, 'team_trial', 'report_created', (c) => c === k).rate;
    const invites = (k: number) =>
      retention(users, 'team_trial', 'teammate_invited', (c) => c === k).rate;
    expect(reports(3) - reports(2)).toBeLessThan(invites(2) - invites(1) - 0.2);
  });
});
