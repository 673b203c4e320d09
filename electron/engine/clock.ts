import { ApiError } from '../../shared/api/errors';

/** The workspace clock: what "today", "this month" and "last 7 days" are read against. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The variable that pins the clock: reproducing a past run exactly, and tests on any date. */
export const CLOCK_ENV = 'WORKBENCH_NOW';

/**
 * The clock an engine runs on: the machine's, unless WORKBENCH_NOW pins an instant (ISO 8601,
 * e.g. 2026-03-15T12:00:00Z, or a date, read as its UTC midnight). A value that is not a time
 * is refused rather than ignored, so a typo cannot silently give today's answers.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const pinned = env[CLOCK_ENV];
  if (pinned === undefined || pinned.trim() === '') return systemClock;
  const text = pinned.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !Number.isFinite(ms)) {
    throw new ApiError(
      'INVALID_REQUEST',
      `${CLOCK_ENV}='${pinned}' is not a time. Write an ISO 8601 instant such as 2026-03-15T12:00:00Z, or unset it to use the machine's clock.`,
      { variable: CLOCK_ENV, value: pinned },
    );
  }
  return () => new Date(ms);
}
