/**
 * Sizes as people write them ('4GB', '512 MB', '1.5GiB'), read the way formatBytes writes them:
 * binary units, so a limit the CLI prints can be typed back unchanged. Returns null for anything
 * else, so a schema can refuse it with its own message.
 */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  if (match === null) return null;
  const factor = UNITS[(match[2] ?? '').toLowerCase()];
  if (factor === undefined) return null;
  const bytes = Math.floor(Number(match[1]) * factor);
  return Number.isFinite(bytes) ? bytes : null;
}
