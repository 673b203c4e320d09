import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS, scoreSpecSchema } from '../../../../../shared/specs/score';
import {
  addComponent,
  addRule,
  defaultBehavioural,
  defaultHealth,
  loadStoredSpec,
  removeComponent,
  scoresCsv,
  setAsOf,
  setCap,
  setHalfLife,
  specProblems,
  STORAGE_KEY,
  storeSpec,
  switchType,
  uniqueName,
  updateComponent,
  validationWarning,
  validationWords,
  weightOfPercent,
  weightPercent,
  weightShares,
  type BehaviouralSpec,
} from './score-draft';

const choices = { event: 'report_created', features: ['a', 'b'], property: '' };

/** A Storage over a Map, for the storage helpers. */
function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

describe('first specs', () => {
  it('the default health score is the schema default: four components, bands 70 / 40', () => {
    const spec = defaultHealth();
    expect(spec.components).toEqual(DEFAULT_COMPONENTS);
    expect(spec.components).not.toBe(DEFAULT_COMPONENTS);
    expect(spec.bands).toEqual({ healthy: 70, watch: 40 });
    expect(spec.days).toBe(28);
    expect(specProblems(spec)).toEqual([]);
  });

  it('a behavioural score starts with 1 point per use of the most frequent event, capped', () => {
    expect(defaultBehavioural(['app_opened', 'report_created']).rules).toEqual([
      { event: { event: 'app_opened', where: [] }, points: 1, cap: 20 },
    ]);
    expect(defaultBehavioural([]).rules[0]?.event.event).toBe('$any');
  });

  it('switching the type keeps the window and the as-of day', () => {
    const health = { ...defaultHealth(), days: 14, asOf: '2026-01-31' };
    const b = switchType(health, 'behavioural', ['x']);
    expect(b).toMatchObject({ type: 'behavioural', days: 14, asOf: '2026-01-31' });
    expect(switchType(b, 'health', [])).toMatchObject({ type: 'health', days: 14 });
    expect(switchType(health, 'health', [])).toBe(health);
  });
});

describe('health components', () => {
  it('adds a preset with a free name, weighted 10%, recency lower-is-better', () => {
    let spec = addComponent(defaultHealth(), 'recency', choices);
    expect(spec.components).toHaveLength(5);
    expect(spec.components[4]).toEqual({
      name: 'recency 2',
      metric: { name: 'recency_days', type: 'recency' },
      weight: 0.1,
      higherIsBetter: false,
    });
    spec = addComponent(spec, 'countPerWeek', choices);
    expect(spec.components[5]).toMatchObject({
      name: 'report_created per week',
      metric: { type: 'count', per: 'week', events: [{ event: 'report_created', where: [] }] },
      higherIsBetter: true,
    });
    spec = addComponent(spec, 'featureShare', choices);
    expect(spec.components[6]?.metric).toMatchObject({
      type: 'featureAdoption',
      features: ['a', 'b'],
      as: 'share',
    });
    spec = addComponent(spec, 'trend', choices);
    expect(spec.components[7]?.metric).toEqual({
      name: 'trend',
      type: 'trend',
      events: [{ event: '$any', where: [] }],
    });
    expect(spec.components[7]?.name).toBe('trend 2');
    expect(specProblems(spec)).toEqual([]);
  });

  it('every preset makes a component the schema takes', () => {
    for (const preset of [
      'activeDaysPerWeek',
      'sessionsPerWeek',
      'countPerWeek',
      'featureShare',
      'recency',
      'trend',
    ] as const)
      expect(specProblems(addComponent(defaultHealth(), preset, choices))).toEqual([]);
  });

  it('names are made unique', () => {
    expect(uniqueName('a', [])).toBe('a');
    expect(uniqueName('a', ['a', 'a 2'])).toBe('a 3');
  });

  it('edits and removes a component, leaving the others', () => {
    const spec = updateComponent(defaultHealth(), 1, { weight: 0.5, higherIsBetter: false });
    expect(spec.components[1]).toMatchObject({ name: 'depth', weight: 0.5, higherIsBetter: false });
    expect(spec.components[0]).toEqual(DEFAULT_COMPONENTS[0]);
    expect(removeComponent(spec, 0).components.map((c) => c.name)).toEqual([
      'depth',
      'recency',
      'trend',
    ]);
  });

  it('weights read as percentages without float noise, and shares are over the sum', () => {
    expect(weightPercent(0.35)).toBe(35);
    expect(weightPercent(0.1 + 0.2)).toBe(30);
    expect(weightOfPercent(35)).toBe(0.35);
    expect(weightOfPercent(12.5)).toBe(0.125);
    const shares = weightShares(updateComponent(defaultHealth(), 0, { weight: 1.35 }).components);
    expect(shares.map((s) => Math.round(s * 1000) / 1000)).toEqual([0.675, 0.075, 0.15, 0.1]);
    expect(weightShares([])).toEqual([]);
  });

  it('says what keeps a spec from being run, with where', () => {
    const zero = defaultHealth();
    const allZero = { ...zero, components: zero.components.map((c) => ({ ...c, weight: 0 })) };
    expect(specProblems(allZero)).toEqual([
      'components: give at least one component a weight above 0',
    ]);
    expect(specProblems({ ...zero, bands: { healthy: 30, watch: 50 } })).toEqual([
      'bands watch: the watch cut-off is at most the healthy one',
    ]);
    const twice = updateComponent(zero, 1, { name: 'frequency' });
    expect(specProblems(twice)).toEqual(['components: two components have the same name']);
  });
});

describe('behavioural rules', () => {
  const spec: BehaviouralSpec = defaultBehavioural(['report_created', 'purchase_completed']);

  it('adds a rule for an event not used yet, removes one', () => {
    const two = addRule(spec, ['report_created', 'purchase_completed']);
    expect(two.rules[1]).toEqual({ event: { event: 'purchase_completed', where: [] }, points: 1 });
    expect(two.rules).toHaveLength(2);
  });

  it('takes a cap and a half-life off without leaving an undefined key', () => {
    const rule = spec.rules[0];
    if (rule === undefined) throw new Error('no rule');
    expect('cap' in setCap(rule, undefined)).toBe(false);
    expect(setCap(rule, 5).cap).toBe(5);
    expect(setHalfLife(spec, 7).halfLifeDays).toBe(7);
    expect('halfLifeDays' in setHalfLife(setHalfLife(spec, 7), undefined)).toBe(false);
    expect('asOf' in setAsOf({ ...spec, asOf: '2026-01-01' }, '')).toBe(false);
    expect(setAsOf(spec, '2026-01-02').asOf).toBe('2026-01-02');
  });

  it('a negative half-life is refused by the schema', () => {
    expect(specProblems(setHalfLife(spec, -1))).toEqual([
      'halfLifeDays: Too small: expected number to be >0',
    ]);
  });
});

describe('storage', () => {
  it('keeps a spec that parses and reads it back', () => {
    const storage = memoryStorage();
    const spec = { ...defaultHealth(), days: 14 };
    storeSpec(storage, spec);
    expect(loadStoredSpec(storage)).toEqual(scoreSpecSchema.parse(spec));
  });

  it('does not store a spec with problems', () => {
    const storage = memoryStorage();
    storeSpec(storage, { ...defaultHealth(), days: 0 });
    expect(storage.map.size).toBe(0);
  });

  it('drops a stored spec that no longer parses, or is not JSON', () => {
    for (const text of ['{"type":"health","dayz":3}', 'not json']) {
      const storage = memoryStorage({ [STORAGE_KEY]: text });
      expect(loadStoredSpec(storage)).toBeNull();
      expect(storage.map.has(STORAGE_KEY)).toBe(false);
    }
    expect(loadStoredSpec(memoryStorage())).toBeNull();
  });
});

describe('validation in words', () => {
  const validation = {
    asOf: '2026-02-13',
    users: 1000,
    churned: 300,
    auc: 0.8312,
    byBand: [
      { band: 'healthy' as const, users: 500, retained: 420 },
      { band: 'watch' as const, users: 300, retained: 96 },
      { band: 'at risk' as const, users: 200, retained: 18 },
    ],
  };

  it('says when, the AUC against chance and the retained share by band', () => {
    expect(validationWords(validation)).toBe(
      'Taken on 2026-02-13, the score told who churned in the next 30 days with AUC 0.83 (0.5 is chance). Retained: healthy 84%, watch 32%, at risk 9%.',
    );
    expect(validationWarning(validation)).toBeNull();
  });

  it('a behavioural score has no bands; an empty band says nobody', () => {
    expect(validationWords({ ...validation, byBand: null })).toBe(
      'Taken on 2026-02-13, the score told who churned in the next 30 days with AUC 0.83 (0.5 is chance).',
    );
    expect(
      validationWords({
        ...validation,
        byBand: [{ band: 'healthy', users: 0, retained: 0 }],
      }),
    ).toContain('Retained: healthy nobody scored.');
  });

  it('warns below 0.6, and says when nobody churned', () => {
    expect(validationWarning({ ...validation, auc: 0.55 })).toContain(
      'does not separate the users who churned',
    );
    expect(validationWords({ ...validation, auc: null, churned: 0 })).toBe(
      'Taken on 2026-02-13, the score could not be checked: nobody of 1,000 scored users churned in the next 30 days. Retained: healthy 84%, watch 32%, at risk 9%.',
    );
  });
});

describe('scoresCsv', () => {
  it('writes the columns scores.export writes, by user id, quoted where needed', () => {
    const spec = defaultHealth();
    const user = (id: string, score: number) => ({
      user_id: id,
      email: id === 'b' ? 'b, "x"@y.z' : null,
      score,
      band: 'watch' as const,
      components: Object.fromEntries(
        spec.components.map((c, i) => [c.name, { value: i, percentile: 12.345 }]),
      ),
    });
    const csv = scoresCsv(spec, [user('b', 55.555), user('a', 41)]).split('\n');
    expect(csv[0]).toBe(
      'user_id,email,score,band,frequency,frequency_percentile,depth,depth_percentile,recency,recency_percentile,trend,trend_percentile',
    );
    expect(csv[1]).toBe('a,,41,watch,0,12.3,1,12.3,2,12.3,3,12.3');
    expect(csv[2]).toBe('b,"b, ""x""@y.z",55.56,watch,0,12.3,1,12.3,2,12.3,3,12.3');
  });

  it('a behavioural score has no band or components', () => {
    const spec = defaultBehavioural(['x']);
    expect(
      scoresCsv(spec, [{ user_id: 'u', email: 'u@x', score: 3, band: null, components: {} }]),
    ).toBe('user_id,email,score\nu,u@x,3\n');
  });
});
