import type { ProgressEvent } from '../../../shared/api/contract';
import type { ProgressSource } from './job-transport';

/** The part of fetch the stream needs. */
export type StreamFetch = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; body: ReadableStream<Uint8Array> | null }>;

/**
 * Browser mode's progress events: the server's Server-Sent Events, read with fetch rather than
 * EventSource, because EventSource cannot send an Authorization header and the token must not go
 * in a URL (logs, history) or a cookie (other local servers would receive it). Like EventSource it
 * reconnects when the stream drops; unlike it, it gives up on 401/403, when no retry can succeed.
 */
export function progressStream(options: {
  url: string;
  token: string;
  fetch: StreamFetch;
  /** Wait before reconnecting. */
  retryMs?: number;
}): ProgressSource {
  return (listener) => {
    const controller = new AbortController();
    const { signal } = controller;
    void (async () => {
      while (!signal.aborted) {
        try {
          const response = await options.fetch(options.url, {
            headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' },
            signal,
          });
          if (response.status === 401 || response.status === 403) return;
          if (response.ok && response.body !== null) {
            await readEvents(response.body, (data) => {
              try {
                listener(JSON.parse(data) as ProgressEvent);
              } catch {
                // A line that is not an event of ours is skipped, not fatal to the stream.
              }
            });
          }
        } catch {
          // Dropped (the server restarted, the laptop slept): reconnect below.
        }
        if (signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 1_000));
      }
    })();
    return () => controller.abort();
  };
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  onData: (data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new EventStreamParser();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    for (const data of parser.push(decoder.decode(value, { stream: true }))) onData(data);
  }
}

/**
 * The `data:` of each complete event in a text/event-stream, however the text is cut into chunks
 * (an event may span two reads, a read may hold several events). Comments (`: connected`) and
 * fields other than data are ignored.
 */
export class EventStreamParser {
  private buffer = '';

  push(text: string): string[] {
    this.buffer += text;
    const blocks = this.buffer.split(/\r?\n\r?\n/);
    this.buffer = blocks.pop() ?? '';
    const out: string[] = [];
    for (const block of blocks) {
      const data = block
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
      if (data.length > 0) out.push(data.join('\n'));
    }
    return out;
  }
}
