/**
 * A `data:` URL (what ECharts' getDataURL returns) as a Blob, decoded here rather than with
 * `fetch(url)`: the app's Content-Security-Policy allows `connect-src 'self'` only, so fetching a
 * data: URL is refused and the export silently did nothing. Loosening the policy for it would
 * let any injected code read data: URLs too; decoding needs no network at all.
 */
export function dataUrlToBlob(url: string): Blob {
  const match = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/s.exec(url);
  if (match === null) throw new Error('Not a data: URL.');
  const [, type = '', params = '', payload = ''] = match;
  const base64 = params.split(';').includes('base64');
  if (!base64) return new Blob([decodeURIComponent(payload)], { type });
  const binary = atob(payload);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}
