import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../shared/api/workspace-types';
import {
  checkDraft,
  draftOf,
  peopleNote,
  searchZones,
  settingsError,
  zoneChoices,
  zoneOffset,
  zoneToOffer,
} from './settings-form';

const current = { ...DEFAULT_SETTINGS, timezone: 'Europe/Paris' };

describe('checkDraft', () => {
  it('sends nothing when nothing changed', () => {
    expect(checkDraft(draftOf(current), current)).toEqual({ change: {}, errors: {} });
  });

  it('sends only what changed, the gap as a number', () => {
    const draft = { ...draftOf(current), weekStart: 'sunday' as const, sessionGap: ' 45 ' };
    expect(checkDraft(draft, current)).toEqual({
      change: { weekStart: 'sunday', sessionGapMinutes: 45 },
      errors: {},
    });
  });

  it('keeps the session gap within the schema: whole minutes from 1 to 1440', () => {
    for (const bad of ['', '0', '1441', '2.5', '-3', 'ten', '1e2']) {
      const { change, errors } = checkDraft({ ...draftOf(current), sessionGap: bad }, current);
      expect(errors.sessionGap, bad).toBeDefined();
      expect(change.sessionGapMinutes).toBeUndefined();
    }
    expect(checkDraft({ ...draftOf(current), sessionGap: '1440' }, current).change).toEqual({
      sessionGapMinutes: 1440,
    });
  });

  it('reads the memory limit as a size, empty or "auto" as automatic', () => {
    expect(checkDraft({ ...draftOf(current), memoryLimit: '4GB' }, current).change).toEqual({
      memoryLimit: '4GB',
    });
    expect(
      checkDraft({ ...draftOf(current), memoryLimit: 'lots' }, current).errors.memoryLimit,
    ).toMatch(/4GB/);
    expect(
      checkDraft({ ...draftOf(current), memoryLimit: '16MB' }, current).errors.memoryLimit,
    ).toMatch(/64MB/);
    const limited = { ...current, memoryLimit: '2GB' };
    expect(checkDraft({ ...draftOf(limited), memoryLimit: 'auto' }, limited).change).toEqual({
      memoryLimit: null,
    });
    expect(checkDraft({ ...draftOf(limited), memoryLimit: '' }, limited).change).toEqual({
      memoryLimit: null,
    });
  });

  it('asks for a zone when the field is emptied, and trims a chosen one', () => {
    expect(
      checkDraft({ ...draftOf(current), timezone: ' ' }, current).errors.timezone,
    ).toBeDefined();
    expect(checkDraft({ ...draftOf(current), timezone: ' Asia/Tokyo ' }, current).change).toEqual({
      timezone: 'Asia/Tokyo',
    });
  });
});

describe('time zones', () => {
  const supported = [
    'Europe/Paris',
    'America/New_York',
    'America/Argentina/Buenos_Aires',
    'Asia/Tokyo',
  ];

  it('offers UTC first and the workspace zone even when the browser does not list it', () => {
    expect(zoneChoices(supported, 'UTC')).toEqual([
      'UTC',
      'America/Argentina/Buenos_Aires',
      'America/New_York',
      'Asia/Tokyo',
      'Europe/Paris',
    ]);
    expect(zoneChoices(supported, 'US/Eastern').slice(0, 2)).toEqual(['UTC', 'US/Eastern']);
    expect(zoneChoices(supported, 'Asia/Tokyo').filter((z) => z === 'Asia/Tokyo')).toHaveLength(1);
  });

  it('finds zones by any words of their name, cities first', () => {
    const zones = zoneChoices(supported, 'UTC');
    expect(searchZones(zones, 'new york')).toEqual(['America/New_York']);
    expect(searchZones(zones, 'NEW_YORK')).toEqual(['America/New_York']);
    expect(searchZones(zones, 'buenos')).toEqual(['America/Argentina/Buenos_Aires']);
    expect(searchZones(zones, 'america')).toEqual([
      'America/Argentina/Buenos_Aires',
      'America/New_York',
    ]);
    expect(searchZones(zones, '')).toEqual(zones);
    expect(searchZones(zones, 'atlantis')).toEqual([]);
    // "paris" matches the city before anything merely containing the letters elsewhere.
    expect(searchZones(['America/Parisville', 'Europe/Paris'], 'paris')[0]).toBe('Europe/Paris');
  });

  it('writes the offset at a given instant, daylight saving included', () => {
    expect(zoneOffset('Europe/Paris', new Date('2024-01-15T12:00:00Z'))).toBe('GMT+1');
    expect(zoneOffset('Europe/Paris', new Date('2024-07-15T12:00:00Z'))).toBe('GMT+2');
    expect(zoneOffset('America/New_York', new Date('2024-01-15T12:00:00Z'))).toBe('GMT-5');
    expect(zoneOffset('Mars/Olympus', new Date())).toBe('');
  });

  it('offers an import’s source zone only when it differs from the workspace’s', () => {
    expect(zoneToOffer('Europe/Paris', 'UTC')).toBe('Europe/Paris');
    expect(zoneToOffer('Europe/Paris', 'Europe/Paris')).toBeNull();
    expect(zoneToOffer(undefined, 'UTC')).toBeNull();
    expect(zoneToOffer('  ', 'UTC')).toBeNull();
  });
});

describe('settingsError', () => {
  it('keeps the engine’s own message', () => {
    const error = { code: 'BAD_TIMEZONE', message: "'Mars/Olympus' is not a time zone. Use ..." };
    expect(settingsError(error)).toEqual(error);
  });

  it('words a refused request under the field’s label, not the contract’s', () => {
    const error = {
      code: 'INVALID_REQUEST',
      message:
        "Invalid request for workspace.updateSettings: memoryLimit: write a size such as '4GB' or '512MB'.",
      detail: { issues: ["memoryLimit: write a size such as '4GB' or '512MB'"] },
    };
    expect(settingsError(error)).toEqual({
      code: 'INVALID_REQUEST',
      message: "Memory limit: write a size such as '4GB' or '512MB'.",
    });
    const noDetail = { ...error, detail: undefined };
    expect(settingsError(noDetail).message).toBe(
      "Memory limit: write a size such as '4GB' or '512MB'.",
    );
  });
});

describe('peopleNote', () => {
  it('says when no people export was imported (every person came from events)', () => {
    expect(
      peopleNote({ people: 4372, users: 4372, identities: 0, sources: [{ kind: 'events' }] }),
    ).toBe('no people export imported yet');
  });

  it('counts imported details and people without events', () => {
    const sources = [{ kind: 'events' }, { kind: 'users' }];
    expect(peopleNote({ people: 4, users: 3, identities: 2, sources })).toBe(
      '2 with imported details, 1 without events',
    );
    expect(peopleNote({ people: 20000, users: 20000, identities: 20000, sources })).toBe(
      '20,000 with imported details',
    );
  });
});
