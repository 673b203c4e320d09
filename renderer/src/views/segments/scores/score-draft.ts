import type { EventFilter } from '../../../../../shared/specs/common';
import {
  BANDS,
  CHURN_DAYS,
  scoreSpecSchema,
  type Band,
  type HealthComponent,
  type PointsRule,
  type ScoredUser,
  type ScoreResult,
  type ScoreSpec,
  type ScoreValidation,
} from '../../../../../shared/specs/score';
import type { MetricDefinition } from '../../../../../shared/specs/user-metrics';
import { formatCount, formatPercent } from '../../../../../shared/format';
import { presetMetric, type MetricChoices } from '../metric-presets';

/*
 * The score being edited: its first specs, the edits the editors make (every one returns a new
 * spec), the problems that keep it from being run, what the validation says in words, its
 * place in the browser's storage and its rows as a CSV.
 */

export type HealthSpec = Extract<ScoreSpec, { type: 'health' }>;
export type BehaviouralSpec = Extract<ScoreSpec, { type: 'behavioural' }>;

/** The default health score: every default comes from the schema. */
export const defaultHealth = (): HealthSpec =>
  scoreSpecSchema.parse({ type: 'health' }) as HealthSpec;

const only = (event: string): EventFilter => ({ event, where: [] });

/** A first behavioural score: 1 point per use of the most frequent event, capped at 20. */
export function defaultBehavioural(events: readonly string[]): BehaviouralSpec {
  return scoreSpecSchema.parse({
    type: 'behavioural',
    rules: [{ event: only(events[0] ?? '$any'), points: 1, cap: 20 }],
  }) as BehaviouralSpec;
}

/** The other type of score, keeping the window and the as-of day. */
export function switchType(
  spec: ScoreSpec,
  type: ScoreSpec['type'],
  events: readonly string[],
): ScoreSpec {
  if (spec.type === type) return spec;
  const next = type === 'health' ? defaultHealth() : defaultBehavioural(events);
  return { ...next, days: spec.days, ...(spec.asOf === undefined ? {} : { asOf: spec.asOf }) };
}

/* Health components */

/** What the "Add a component" menu offers, each a metric of its own kind. */
export const COMPONENT_PRESETS = [
  ['activeDaysPerWeek', 'Active days per week'],
  ['sessionsPerWeek', 'Sessions per week'],
  ['countPerWeek', 'Times an event was done per week'],
  ['featureShare', 'Share of core features used'],
  ['recency', 'Days since last activity (lower is better)'],
  ['trend', 'Trend: second half of the window vs the first'],
] as const;
export type ComponentPreset = (typeof COMPONENT_PRESETS)[number][0];

const PRESET_NAMES: Record<ComponentPreset, string> = {
  activeDaysPerWeek: 'active days',
  sessionsPerWeek: 'sessions',
  countPerWeek: 'event count',
  featureShare: 'adoption',
  recency: 'recency',
  trend: 'trend',
};

/** The preset's metric: the segment builder's presets, plus the trend a health score reads. */
export function componentMetric(
  preset: ComponentPreset,
  choices: MetricChoices,
): HealthComponent['metric'] {
  const metric: MetricDefinition =
    preset === 'trend'
      ? { name: 'trend', type: 'trend', events: [only('$any')] }
      : presetMetric(preset, choices);
  // A preset is never a ratio, which is all a component's metric refuses.
  return metric as HealthComponent['metric'];
}

/** A name not taken yet: "adoption", then "adoption 2", "adoption 3". */
export function uniqueName(wanted: string, taken: readonly string[]): string {
  if (!taken.includes(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken.includes(`${wanted} ${i}`)) return `${wanted} ${i}`;
}

/**
 * A new component from a preset, weighted 10%. A count names its event and an adoption share
 * says how many features, so two of them read apart in the table and in the words.
 */
export function addComponent(
  spec: HealthSpec,
  preset: ComponentPreset,
  choices: MetricChoices,
): HealthSpec {
  const metric = componentMetric(preset, choices);
  const base = preset === 'countPerWeek' ? `${choices.event} per week` : PRESET_NAMES[preset];
  const component: HealthComponent = {
    name: uniqueName(
      base.slice(0, 60),
      spec.components.map((c) => c.name),
    ),
    metric,
    weight: 0.1,
    higherIsBetter: preset !== 'recency',
  };
  return { ...spec, components: [...spec.components, component] };
}

export function removeComponent(spec: HealthSpec, index: number): HealthSpec {
  return { ...spec, components: spec.components.filter((_, i) => i !== index) };
}

export function updateComponent(
  spec: HealthSpec,
  index: number,
  change: Partial<HealthComponent>,
): HealthSpec {
  return {
    ...spec,
    components: spec.components.map((c, i) => (i === index ? { ...c, ...change } : c)),
  };
}

/** Weights are edited as percentages (0.35 reads 35); 0.1 + 0.2 never shows as 30.000000004. */
export const weightPercent = (weight: number): number => Math.round(weight * 100_000) / 1_000;
export const weightOfPercent = (percent: number): number => Math.round(percent * 1_000) / 100_000;

/** Each component's share of the score: its weight over the sum (what the engine applies). */
export function weightShares(components: readonly HealthComponent[]): number[] {
  const total = components.reduce((n, c) => n + c.weight, 0);
  return components.map((c) => (total > 0 ? c.weight / total : 0));
}

/* Behavioural rules */

export function addRule(spec: BehaviouralSpec, events: readonly string[]): BehaviouralSpec {
  const used = new Set(spec.rules.map((r) => r.event.event));
  const event = events.find((e) => !used.has(e)) ?? events[0] ?? '$any';
  return { ...spec, rules: [...spec.rules, { event: only(event), points: 1 }] };
}

export function removeRule(spec: BehaviouralSpec, index: number): BehaviouralSpec {
  return { ...spec, rules: spec.rules.filter((_, i) => i !== index) };
}

export function updateRule(
  spec: BehaviouralSpec,
  index: number,
  change: Partial<PointsRule>,
): BehaviouralSpec {
  return {
    ...spec,
    rules: spec.rules.map((r, i) => (i === index ? { ...r, ...change } : r)),
  };
}

/** A rule's cap set (a number) or taken off (undefined): the key is dropped, not left undefined. */
export function setCap(rule: PointsRule, cap: number | undefined): PointsRule {
  const { cap: _, ...rest } = rule;
  return cap === undefined ? rest : { ...rest, cap };
}

/** The half-life set or taken off. */
export function setHalfLife(spec: BehaviouralSpec, days: number | undefined): BehaviouralSpec {
  const { halfLifeDays: _, ...rest } = spec;
  return days === undefined ? rest : { ...rest, halfLifeDays: days };
}

/** The as-of day set or taken off (the last day with data). */
export function setAsOf(spec: ScoreSpec, asOf: string | undefined): ScoreSpec {
  const { asOf: _, ...rest } = spec;
  return asOf === undefined || asOf === '' ? rest : { ...rest, asOf };
}

/* Checking */

/** What keeps the spec from being run, in the schema's words with where: none when it parses. */
export function specProblems(spec: unknown): string[] {
  const parsed = scoreSpecSchema.safeParse(spec);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => {
    const where = i.path.map((p) => (typeof p === 'number' ? p + 1 : String(p))).join(' ');
    return where === '' ? i.message : `${where}: ${i.message}`;
  });
}

/** The spec as the engine takes it, or null while it has problems. */
export function parsedSpec(spec: unknown): ScoreSpec | null {
  const parsed = scoreSpecSchema.safeParse(spec);
  return parsed.success ? parsed.data : null;
}

/* Storage */

export const STORAGE_KEY = 'workbench.segments.scores.spec';

/** The spec last edited in this browser, or null when none is stored or it no longer parses. */
export function loadStoredSpec(storage: Pick<Storage, 'getItem' | 'removeItem'>): ScoreSpec | null {
  try {
    const text = storage.getItem(STORAGE_KEY);
    if (text === null) return null;
    const parsed = scoreSpecSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    storage.removeItem(STORAGE_KEY);
    return null;
  } catch {
    // Storage blocked or a stored text that is not JSON: start from the default.
    try {
      storage.removeItem(STORAGE_KEY);
    } catch {
      // Blocked storage: nothing to remove.
    }
    return null;
  }
}

/** Keeps a spec that parses; one with problems is not stored (the last good one stays). */
export function storeSpec(storage: Pick<Storage, 'setItem'>, spec: ScoreSpec): void {
  if (parsedSpec(spec) === null) return;
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(spec));
  } catch {
    // Storage blocked or full: the spec is not remembered, nothing else is lost.
  }
}

/* Words */

const bandName = (band: Band): string => band;

/**
 * The validation said plainly: "Taken on 2026-02-13, the score told who churned in the next 30
 * days with AUC 0.83 (0.5 is chance). Retained: healthy 84%, watch 32%, at risk 9%."
 */
export function validationWords(v: ScoreValidation): string {
  const auc =
    v.auc === null
      ? `could not be checked: ${v.churned === 0 ? 'nobody' : 'everybody'} of ${formatCount(v.users)} scored users churned in the next ${CHURN_DAYS} days`
      : `told who churned in the next ${CHURN_DAYS} days with AUC ${v.auc.toFixed(2)} (0.5 is chance)`;
  const retained =
    v.byBand === null
      ? ''
      : ` Retained: ${v.byBand
          .map(
            (b) =>
              `${bandName(b.band)} ${b.users === 0 ? 'nobody scored' : `${Math.round((100 * b.retained) / b.users)}%`}`,
          )
          .join(', ')}.`;
  return `Taken on ${v.asOf}, the score ${auc}.${retained}`;
}

/** Below this AUC a score hardly tells churners from the others. */
export const WEAK_AUC = 0.6;

export function validationWarning(v: ScoreValidation): string | null {
  if (v.auc === null || v.auc >= WEAK_AUC) return null;
  return `An AUC of ${v.auc.toFixed(2)} is close to chance: this score does not separate the users who churned from those who stayed. Try other components or weights.`;
}

/** "1,234 of 20,000 users healthy (6.2%)": a band's count with its share of the scored users. */
export function bandWords(band: Band, users: number, scored: number): string {
  return `${formatCount(users)} ${band} (${formatPercent(scored > 0 ? users / scored : null)})`;
}

export { BANDS };

/* CSV */

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const text = String(v);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

const round = (n: number | null, digits: number): number | null =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The scored users as scores.export writes them: user_id, email, score (2 decimals), and for a
 * health score the band and each component's value and percentile (1 decimal); by user id.
 */
export function scoresCsv(spec: ScoreSpec, users: readonly ScoredUser[]): string {
  const health = spec.type === 'health' ? spec.components.map((c) => c.name) : [];
  const header = [
    'user_id',
    'email',
    'score',
    ...(spec.type === 'health' ? ['band'] : []),
    ...health.flatMap((n) => [n, `${n}_percentile`]),
  ];
  const sorted = [...users].sort((a, b) =>
    a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0,
  );
  const lines = [header.map(cell).join(',')];
  for (const u of sorted) {
    const row: unknown[] = [
      u.user_id,
      u.email,
      round(u.score, 2),
      ...(spec.type === 'health' ? [u.band] : []),
      ...health.flatMap((n) => {
        const c = u.components[n];
        return [c?.value ?? null, round(c?.percentile ?? null, 1)];
      }),
    ];
    lines.push(row.map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The users a result scored, for the summary's first line. */
export function scoredWords(r: ScoreResult): string {
  return `${formatCount(r.users)} users scored as of ${r.asOf} (${r.window.from} to ${r.window.to})`;
}
