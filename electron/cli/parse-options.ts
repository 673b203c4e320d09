import { InvalidArgumentError } from 'commander';
import type { EventRule, IdentityField, MappingOverride } from '../../shared/api/import-types';

const EVENT_KEYS: Record<string, keyof MappingOverride> = {
  user_id: 'userId',
  user: 'userId',
  userid: 'userId',
  event: 'event',
  ts: 'timestamp',
  time: 'timestamp',
  timestamp: 'timestamp',
  insert_id: 'insertId',
  insertid: 'insertId',
};

const USER_KEYS: Record<string, IdentityField> = {
  user_id: 'userId',
  user: 'userId',
  userid: 'userId',
  email: 'email',
  first_name: 'firstName',
  firstname: 'firstName',
  last_name: 'lastName',
  lastname: 'lastName',
  name: 'name',
  company: 'company',
  opted_out: 'optedOut',
  optedout: 'optedOut',
};

function pairs(text: string): [string, string][] {
  return text
    .split(',')
    .filter((p) => p.trim() !== '')
    .map((p) => {
      const at = p.indexOf('=');
      if (at <= 0 || at === p.length - 1) {
        throw new InvalidArgumentError(
          `'${p}' is not FIELD=COLUMN (e.g. user_id=distinct_id,ts=time).`,
        );
      }
      return [p.slice(0, at).trim().toLowerCase(), p.slice(at + 1).trim()];
    });
}

/** `--map user_id=COL|FALLBACK,event=COL,ts=COL,insert_id=COL` for event imports. */
export function parseEventMap(text: string, previous: MappingOverride = {}): MappingOverride {
  const mapping: MappingOverride = { ...previous };
  for (const [key, column] of pairs(text)) {
    const field = EVENT_KEYS[key];
    if (field === undefined) {
      throw new InvalidArgumentError(
        `unknown field '${key}' in --map; use user_id, event, ts or insert_id.`,
      );
    }
    if (field === 'userId') mapping.userId = column.split('|').map((c) => c.trim());
    else if (field === 'event' || field === 'timestamp' || field === 'insertId')
      mapping[field] = column;
  }
  return mapping;
}

/** `--map user_id=COL,email=COL,...` for people imports. */
export function parseUserMap(text: string): Partial<Record<IdentityField, string>> {
  const mapping: Partial<Record<IdentityField, string>> = {};
  for (const [key, column] of pairs(text)) {
    const field = USER_KEYS[key];
    if (field === undefined) {
      throw new InvalidArgumentError(
        `unknown field '${key}' in --map; use ${Object.keys(USER_KEYS)
          .filter((k) => k.includes('_') || k === 'email' || k === 'name' || k === 'company')
          .join(', ')}.`,
      );
    }
    mapping[field] = column;
  }
  return mapping;
}

const RULE = /^(.+?)(\^=|=|<|>)(.*):([^:]+)$/;

/** `--event-rule 'InvoiceNo^=C:cancellation'` (also `COL=VALUE:EVENT`, `COL<N:EVENT`, `COL>N:EVENT`). */
export function parseEventRule(text: string, previous: EventRule[] = []): EventRule[] {
  const match = RULE.exec(text);
  if (match === null) {
    throw new InvalidArgumentError(
      `'${text}' is not a rule; write COLUMN^=PREFIX:EVENT, COLUMN=VALUE:EVENT, COLUMN<NUMBER:EVENT or COLUMN>NUMBER:EVENT.`,
    );
  }
  const [, column = '', op = '', value = '', event = ''] = match;
  const numeric = op === '<' || op === '>';
  if (numeric && !Number.isFinite(Number(value))) {
    throw new InvalidArgumentError(`'${value}' in '${text}' is not a number.`);
  }
  const rule: EventRule = {
    column: column.trim(),
    op:
      op === '^=' ? 'startsWith' : op === '=' ? 'equals' : op === '<' ? 'lessThan' : 'greaterThan',
    value: numeric ? Number(value) : value,
    event: event.trim(),
  };
  return [...previous, rule];
}

export function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`'${text}' is not a positive whole number.`);
  return n;
}
