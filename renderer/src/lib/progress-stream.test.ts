import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../shared/api/contract';
import { EventStreamParser, progressStream, type StreamFetch } from './progress-stream';

const event = (jobId: string): ProgressEvent => ({
  jobId,
  method: 'sql.query',
  phase: 'running SQL',
  fraction: 0.5,
});

describe('EventStreamParser', () => {
  it('finds each event however the stream is cut, skipping comments', () => {
    const parser = new EventStreamParser();
    const text = `: connected\n\ndata: ${JSON.stringify(event('a'))}\n\ndata: ${JSON.stringify(event('b'))}\n\n`;
    const found: string[] = [];
    for (let i = 0; i < text.length; i += 7) found.push(...parser.push(text.slice(i, i + 7)));
    expect(found.map((d) => (JSON.parse(d) as ProgressEvent).jobId)).toEqual(['a', 'b']);
  });
});

describe('progressStream', () => {
  it('sends the token as a header, never in the URL, and reconnects when the stream drops', async () => {
    const requests: { url: string; headers: Record<string, string> }[] = [];
    const fetch: StreamFetch = async (url, init) => {
      requests.push({ url, headers: init.headers });
      const n = requests.length;
      return {
        ok: true,
        status: 200,
        // Each connection delivers one event, then ends (a dropped stream).
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(
              new TextEncoder().encode(`data: ${JSON.stringify(event(`j${n}`))}\n\n`),
            );
            controller.close();
          },
        }),
      };
    };
    const seen: string[] = [];
    const stop = progressStream({ url: '/api/events', token: 'secret', fetch, retryMs: 5 })((e) =>
      seen.push(e.jobId),
    );
    await expect.poll(() => seen.length).toBeGreaterThanOrEqual(2);
    stop();
    expect(seen.slice(0, 2)).toEqual(['j1', 'j2']);
    expect(requests[0]).toEqual({
      url: '/api/events',
      headers: { authorization: 'Bearer secret', accept: 'text/event-stream' },
    });
  });

  it('gives up on a refused token instead of retrying forever', async () => {
    let calls = 0;
    const fetch: StreamFetch = async () => {
      calls++;
      return { ok: false, status: 401, body: null };
    };
    const stop = progressStream({ url: '/api/events', token: 'old', fetch, retryMs: 1 })(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(calls).toBe(1);
  });
});
