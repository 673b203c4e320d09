import type { MethodName, Reply } from './contract';
import type { Transport } from './client';

/** The part of fetch a transport needs (shared/ is built without DOM or Node types). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ status: number; json(): Promise<unknown> }>;

/** The contract over the workbench's HTTP server: POST /api/call/<method> with the session token. */
export function httpTransport(baseUrl: string, token: string, fetch: FetchLike): Transport {
  let counter = 0;
  return async (method: MethodName, request, options) => {
    const jobId = options.jobId ?? `http-${Date.now()}-${++counter}`;
    const response = await fetch(`${baseUrl.replace(/\/$/, '')}/api/call/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ request, jobId }),
    });
    return (await response.json()) as Reply<MethodName>;
  };
}
