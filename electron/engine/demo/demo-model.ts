import { SeededRandom } from './seeded-random';

/**
 * The demo product: a B2B SaaS analytics tool. Users sign up (more each week), on the free plan
 * or on a trial of the team plan, go through an onboarding funnel, come back in sessions whose
 * frequency depends on how engaged they are, use core features, sometimes upgrade, buy add-ons,
 * open tickets, and churn. An A/B test of a new onboarding ("treatment") lifts onboarding
 * completion and early retention a little.
 *
 * Planted finding (resources/demo/FINDING.md): at the end of their first 7 days a user decides
 * whether to stay, and what decides it is one behaviour of that week, per signup plan (ACTIVATION).
 * Their engagement type only sets how busy they are, so the early counts vary widely and the
 * retention step sits at the threshold instead of rising smoothly with activity.
 */
export const EVENTS = [
  'signed_up',
  'onboarding_started',
  'profile_completed',
  'project_created',
  'teammate_invited',
  'app_opened',
  'dashboard_viewed',
  'report_created',
  'report_shared',
  'search_performed',
  'export_downloaded',
  'comment_added',
  'integration_connected',
  'plan_upgraded',
  'purchase_completed',
  'support_ticket_opened',
  'subscription_cancelled',
] as const;
export type DemoEvent = (typeof EVENTS)[number];
const E = Object.fromEntries(EVENTS.map((e, i) => [e, i])) as Record<DemoEvent, number>;

/** The plans of the `plan` property; 'team_trial' is the first 14 days of a team signup. */
export const PLANS = ['free', 'starter', 'pro', 'business', 'team_trial'] as const;
export const PLAN_PRICES = [0, 29, 79, 199, 0];
const BUSINESS = 3;
const TEAM_TRIAL = 4;
const TEAM_TRIAL_SHARE = 0.25;
const TRIAL_DAYS = 14;

/**
 * The planted step: users who do `event` at least `atLeast` times in their first 7x24 hours
 * (from signed_up) stay with probability `stay[1]`, the others with `stay[0]`; who stays comes
 * back in days 8-14. The signup plan decides which behaviour counts.
 */
export const ACTIVATION = {
  free: { event: 'report_created', atLeast: 3, stay: [0.2, 0.62] },
  team_trial: { event: 'teammate_invited', atLeast: 2, stay: [0.2, 0.68] },
} as const satisfies Record<string, { event: DemoEvent; atLeast: number; stay: readonly number[] }>;
export const PLATFORMS = ['web', 'ios', 'android', 'desktop'] as const;
const PLATFORM_WEIGHTS = [55, 18, 17, 10];
export const PRIORITIES = ['low', 'normal', 'high'] as const;

/** ISO-2 code, share of users, UTC offset in hours (for working-hours rhythm). */
export const COUNTRIES: readonly { code: string; weight: number; utcOffset: number }[] = [
  { code: 'US', weight: 30, utcOffset: -5 },
  { code: 'GB', weight: 10, utcOffset: 0 },
  { code: 'DE', weight: 9, utcOffset: 1 },
  { code: 'FR', weight: 7, utcOffset: 1 },
  { code: 'IN', weight: 8, utcOffset: 5.5 },
  { code: 'BR', weight: 6, utcOffset: -3 },
  { code: 'CA', weight: 5, utcOffset: -5 },
  { code: 'AU', weight: 4, utcOffset: 10 },
  { code: 'NL', weight: 4, utcOffset: 1 },
  { code: 'ES', weight: 4, utcOffset: 1 },
  { code: 'JP', weight: 4, utcOffset: 9 },
  { code: 'SE', weight: 3, utcOffset: 1 },
  { code: 'MX', weight: 3, utcOffset: -6 },
  { code: 'SG', weight: 3, utcOffset: 8 },
];
const COUNTRY_WEIGHTS = COUNTRIES.map((c) => c.weight);

/** Values of the `feature` property; index 0 means none. */
export const FEATURES = [
  '',
  'dashboards',
  'reports',
  'search',
  'exports',
  'comments',
  'slack',
  'salesforce',
  'hubspot',
  'github',
  'jira',
] as const;
const FEATURE_OF: Partial<Record<DemoEvent, number[]>> = {
  dashboard_viewed: [1],
  report_created: [2],
  report_shared: [2],
  search_performed: [3],
  export_downloaded: [4],
  comment_added: [5],
  integration_connected: [6, 7, 8, 9, 10],
};

const CORE = [
  E.dashboard_viewed,
  E.search_performed,
  E.report_created,
  E.comment_added,
  E.report_shared,
  E.export_downloaded,
  E.integration_connected,
];
const CORE_WEIGHTS = [34, 20, 15, 12, 8, 8, 3];
// A team account keeps inviting colleagues while it works; a free user only invites in onboarding.
const TEAM_CORE = [...CORE, E.teammate_invited];
const TEAM_CORE_WEIGHTS = [...CORE_WEIGHTS, 6];

/**
 * Engagement types: share of signups (control, treatment), mean lifetime after the first week,
 * daily session odds, and a small nudge to the odds of staying after the first week.
 */
const TYPES = [
  {
    name: 'tourist',
    control: 40,
    treatment: 36,
    lifetimeDays: 1.5,
    sessionOdds: 0.05,
    eventsPerSession: 3,
    stay: -0.02,
  },
  {
    name: 'casual',
    control: 35,
    treatment: 36,
    lifetimeDays: 25,
    sessionOdds: 0.14,
    eventsPerSession: 5,
    stay: 0,
  },
  {
    name: 'regular',
    control: 20,
    treatment: 22,
    lifetimeDays: 120,
    sessionOdds: 0.4,
    eventsPerSession: 8,
    stay: 0.04,
  },
  {
    name: 'power',
    control: 5,
    treatment: 6,
    lifetimeDays: 500,
    sessionOdds: 0.8,
    eventsPerSession: 12,
    stay: 0.06,
  },
];

/** Local-hour weights: a working day with a morning and an afternoon peak. */
const HOUR_WEIGHTS = [
  1, 0.5, 0.3, 0.3, 0.4, 1, 2, 4, 7, 10, 11, 10, 8, 9, 10, 10, 9, 7, 5, 4, 4, 3, 2, 1.5,
];

const DAY = 86_400_000;
const MINUTE = 60_000;

export interface DemoUser {
  index: number;
  signupMs: number;
  country: string;
  platform: string;
  variant: 'control' | 'treatment';
  /** The plan at the end of the history. */
  plan: string;
  /** The plan of the signed_up event: 'free' or 'team_trial'. */
  signupPlan: string;
}

/** One event: user index, event index, epoch milliseconds, plan index, feature index, revenue, priority (0 none). */
export type EventSink = (
  user: number,
  event: number,
  ms: number,
  plan: number,
  feature: number,
  revenue: number | null,
  priority: number,
) => void;

export interface SimulationOptions {
  users: number;
  days: number;
  seed: number;
  /** Exclusive end of the history, epoch milliseconds (a UTC midnight). */
  endMs: number;
}

/** Runs every user's life in order of user index and hands each event to `sink`. */
export function simulate(options: SimulationOptions, sink: EventSink): DemoUser[] {
  const random = new SeededRandom(options.seed);
  const startMs = options.endMs - options.days * DAY;
  const users: DemoUser[] = [];
  for (let index = 0; index < options.users; index++) {
    users.push(simulateUser(index, random, startMs, options.endMs, sink));
  }
  return users;
}

/** Signups grow linearly (twice as many at the end as at the start), fewer on weekends. */
function signupTime(random: SeededRandom, startMs: number, endMs: number): number {
  const growth = 1;
  for (;;) {
    const u = random.next();
    const x = (-1 + Math.sqrt(1 + 2 * growth * u * (1 + growth / 2))) / growth;
    const ms = startMs + Math.floor(x * (endMs - startMs));
    const weekday = new Date(ms).getUTCDay();
    if ((weekday === 0 || weekday === 6) && random.chance(0.45)) continue;
    return ms;
  }
}

function simulateUser(
  index: number,
  random: SeededRandom,
  startMs: number,
  endMs: number,
  sink: EventSink,
): DemoUser {
  const country = COUNTRIES[random.weighted(COUNTRY_WEIGHTS)] ?? {
    code: 'US',
    weight: 1,
    utcOffset: -5,
  };
  const platform = PLATFORMS[random.weighted(PLATFORM_WEIGHTS)] ?? 'web';
  const treatment = random.chance(0.5);
  const typeIndex = random.weighted(TYPES.map((t) => (treatment ? t.treatment : t.control)));
  const type = TYPES[typeIndex] ??
    TYPES[TYPES.length - 1] ?? {
      name: 'tourist',
      control: 1,
      treatment: 1,
      lifetimeDays: 1,
      sessionOdds: 0,
      eventsPerSession: 1,
      stay: 0,
    };
  const team = random.chance(TEAM_TRIAL_SHARE);
  const rule = team ? ACTIVATION.team_trial : ACTIVATION.free;
  const keyEvent = E[rule.event];
  const core = team ? TEAM_CORE : CORE;
  const coreWeights = team ? TEAM_CORE_WEIGHTS : CORE_WEIGHTS;
  const signupMs = signupTime(random, startMs, endMs);
  const weekEnd = signupMs + 7 * DAY;
  const trialEnd = signupMs + TRIAL_DAYS * DAY;
  // Nobody leaves during the first week; its end decides (decide()) when and whether they do.
  let churnMs = Infinity;
  let decided = false;
  let activated = false;
  let returnDay = -1;
  let early = 0;
  let plan = team ? TEAM_TRIAL : 0;
  const emit = (
    event: number,
    ms: number,
    feature = 0,
    revenue: number | null = null,
    priority = 0,
  ): void => {
    if (event === keyEvent && ms < weekEnd) early++;
    if (ms < endMs) sink(index, event, ms, plan, feature, revenue, priority);
  };

  // Signup and onboarding, minutes apart; each step reached by fewer users.
  let t = signupMs;
  emit(E.signed_up, t);
  const steps = [E.onboarding_started, E.profile_completed, E.project_created, E.teammate_invited];
  const odds = treatment ? [0.92, 0.8, 0.76, 0.5] : [0.9, 0.72, 0.68, 0.44];
  for (let s = 0; s < steps.length; s++) {
    if (!random.chance(odds[s] ?? 0)) break;
    t += Math.round(random.exponential(2 * MINUTE)) + 5_000;
    emit(steps[s] ?? E.onboarding_started, t);
  }
  session(
    t + Math.round(random.exponential(3 * MINUTE)),
    Math.max(1, Math.round(type.eventsPerSession / 2)),
  );

  // Return visits, day by day, until the user churns (or the history ends).
  let day = Math.floor(signupMs / DAY) * DAY + DAY;
  for (let d = 1; day < Math.min(churnMs, endMs); d++, day += DAY) {
    if (!decided && day >= weekEnd) decide();
    if (day >= churnMs) break;
    const weekday = new Date(day).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.45 : 1;
    // The treatment's onboarding brings users back a little more in their first week; a user
    // who reached their threshold comes back more often from then on.
    const boost = (d <= 7 && treatment ? 1.1 : 1) * (activated ? 1.45 : 1);
    const odds = Math.min(0.95, type.sessionOdds * weekend * boost * (1 + 0.6 * Math.exp(-d / 10)));
    let visits = random.chance(odds) ? (type.name === 'power' && random.chance(0.35) ? 2 : 1) : 0;
    if (visits === 0 && day === returnDay) visits = 1;
    if (visits === 0) continue;
    const first = day + localHourMs(random, country.utcOffset);
    if (visits === 1) {
      visit(first);
      continue;
    }
    const second = day + localHourMs(random, country.utcOffset);
    visit(Math.min(first, second));
    visit(Math.max(first, second));
  }

  // Paying users who churn cancel; a few churned users come back once (resurrection).
  if (churnMs < endMs) {
    if (plan > 0 && plan !== TEAM_TRIAL) emit(E.subscription_cancelled, churnMs);
    if (random.chance(0.06)) {
      const back = churnMs + (20 + random.int(40)) * DAY;
      const start = Math.floor(back / DAY) * DAY + localHourMs(random, country.utcOffset);
      if (start < endMs) session(start, type.eventsPerSession);
    }
  }
  return {
    index,
    signupMs,
    country: country.code,
    platform,
    variant: treatment ? 'treatment' : 'control',
    // A trial nobody came back to after its 14 days has lapsed to free all the same.
    plan: PLANS[plan === TEAM_TRIAL && trialEnd <= endMs ? 0 : plan] ?? 'free',
    signupPlan: team ? 'team_trial' : 'free',
  };

  /** A return visit; the first one after the first week decides (with all of that week seen). */
  function visit(start: number): void {
    if (!decided && start >= weekEnd) decide();
    if (start < churnMs) session(start, type.eventsPerSession);
  }

  /**
   * The end of the first week: whether the user reached their plan's threshold in it sets the
   * odds that they stay. Who stays comes back on one of the next 6 days (so in days 8-14) and
   * lives on as their type does, except that an activated user stays three times as long and
   * visits more often (the loop's boost); who does not stay churns now.
   */
  function decide(): void {
    decided = true;
    activated = early >= rule.atLeast;
    const stay = (activated ? rule.stay[1] : rule.stay[0]) + type.stay;
    if (!random.chance(stay)) {
      churnMs = weekEnd;
      return;
    }
    returnDay = Math.floor(weekEnd / DAY) * DAY + (1 + random.int(6)) * DAY;
    const lifetime = random.exponential(type.lifetimeDays * (activated ? 3 : 1)) * DAY;
    churnMs = Math.max(weekEnd + lifetime, returnDay + DAY);
  }

  /** One visit: app_opened, then core features tens of seconds apart; returns its last time. */
  function session(start: number, meanEvents: number): number {
    let at = start;
    // A team trial ends with the first visit after 14 days: an activated team often buys.
    const converts =
      plan === TEAM_TRIAL && start >= trialEnd && random.chance(activated ? 0.4 : 0.05);
    if (plan === TEAM_TRIAL && start >= trialEnd && !converts) plan = 0;
    emit(E.app_opened, at);
    if (converts) {
      at += Math.round(random.exponential(60_000)) + 1_000;
      plan = BUSINESS;
      emit(E.plan_upgraded, at, 0, PLAN_PRICES[plan] ?? 0);
    }
    const count = 1 + Math.floor(random.exponential(meanEvents));
    for (let i = 0; i < count; i++) {
      // Now and then two events share a timestamp, as real trackers batch them.
      at += random.chance(0.03) ? 0 : Math.round(random.exponential(80_000)) + 1_000;
      const event = core[random.weighted(coreWeights)] ?? E.dashboard_viewed;
      const features = FEATURE_OF[EVENTS[event] ?? 'dashboard_viewed'] ?? [0];
      emit(event, at, random.pick(features));
    }
    if (random.chance(0.012)) {
      at += Math.round(random.exponential(60_000)) + 1_000;
      emit(E.support_ticket_opened, at, 0, null, 1 + random.weighted([30, 55, 15]));
    }
    if (
      plan === 0 &&
      type.name !== 'tourist' &&
      random.chance(type.name === 'casual' ? 0.006 : 0.02)
    ) {
      at += Math.round(random.exponential(60_000)) + 1_000;
      plan = 1 + random.weighted([50, 35, 15]);
      emit(E.plan_upgraded, at, 0, PLAN_PRICES[plan] ?? 0);
    } else if (plan > 0 && plan !== TEAM_TRIAL && random.chance(0.02)) {
      at += Math.round(random.exponential(60_000)) + 1_000;
      emit(E.purchase_completed, at, 0, Math.round((9 + random.exponential(40)) * 100) / 100);
    }
    return at;
  }
}

function localHourMs(random: SeededRandom, utcOffset: number): number {
  const hour = random.weighted(HOUR_WEIGHTS);
  const local = hour * 3_600_000 + random.int(3_600_000);
  // Shift local working hours into UTC, wrapping within the same UTC day.
  return (((local - utcOffset * 3_600_000) % DAY) + DAY) % DAY;
}
