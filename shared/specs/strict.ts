import { z } from 'zod';
import { nearestName } from '../util/nearest';

/**
 * A spec object that refuses keys it does not know, naming each with the field it is nearest:
 * a `"windw"` typo must not silently give the 14-day default window. `what` names the object in
 * the message ("a funnel spec", "an event filter").
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  const fields = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      return issue.keys.map((key) => unknownKeyLine(key, what, fields)).join(KEY_LINE_BREAK);
    },
  });
}

/** One line per unknown key inside an `unrecognized_keys` message (see issueLines). */
const KEY_LINE_BREAK = '\n';

function unknownKeyLine(key: string, what: string, fields: string[]): string {
  const near = nearestName(key, fields);
  return `${key}\t: not a field of ${what}${near === undefined ? '' : ` (did you mean ${near}?)`}`;
}

/**
 * Every problem of a failed parse as `path: message` lines, the unknown keys first (a misspelt
 * key is usually why a required field is missing), each with its full path.
 */
export function issueLines(issues: readonly z.core.$ZodIssue[], root = 'request'): string[] {
  const at = (path: readonly PropertyKey[]): string => path.map(String).join('.');
  const strays = issues
    .filter((i) => i.code === 'unrecognized_keys')
    .flatMap((i) =>
      i.message.split(KEY_LINE_BREAK).map((line) => {
        const [key, rest] = line.split('\t', 2);
        const prefix = at(i.path);
        return rest === undefined
          ? `${prefix || root}: ${line}`
          : `${prefix === '' ? '' : `${prefix}.`}${key}${rest}`;
      }),
    );
  const others = issues
    .filter((i) => i.code !== 'unrecognized_keys')
    .map((i) => `${at(i.path) || root}: ${i.message}`);
  return [...strays, ...others];
}
