import type { ApiClient, MethodName, ProgressEvent, Reply } from '../../shared/api/contract';
import { createClient } from '../../shared/api/client';
import { httpTransport } from '../../shared/api/http-transport';
import type { PickFilesOptions, ShellCommand } from '../../shared/api/ipc';

interface Bridge {
  call(method: string, request: unknown, jobId?: string): Promise<Reply<MethodName>>;
  onProgress(listener: (event: ProgressEvent) => void): () => void;
  pickFiles?(options: PickFilesOptions): Promise<string[]>;
  onCommand?(listener: (command: ShellCommand) => void): () => void;
}

declare global {
  interface Window {
    workbenchBridge?: Bridge;
  }
}

/** What the renderer gets from whichever transport it runs on. */
export interface Connection {
  api: ApiClient;
  /** Progress of long calls, by job id. */
  onProgress(listener: (event: ProgressEvent) => void): () => void;
  /** The desktop's native file dialog; absent in browser mode. */
  pickFiles?: (options: PickFilesOptions) => Promise<string[]>;
  /** Browser mode: copies a chosen file to the engine's machine and returns its path there. */
  upload?: (file: File) => Promise<string>;
  onCommand(listener: (command: ShellCommand) => void): () => void;
}

/**
 * The renderer's one API client; it does not know which transport carries the calls: Electron
 * IPC through the preload bridge, or HTTP to the local server in browser mode.
 */
export function connect(): Connection | null {
  const bridge = window.workbenchBridge;
  if (bridge !== undefined) {
    return {
      api: createClient((method, request, options) => bridge.call(method, request, options.jobId)),
      onProgress: (listener) => bridge.onProgress(listener),
      ...(bridge.pickFiles === undefined
        ? {}
        : { pickFiles: (options: PickFilesOptions) => bridge.pickFiles?.(options) ?? [] }),
      onCommand: (listener) => bridge.onCommand?.(listener) ?? (() => undefined),
    } as Connection;
  }
  const token = new URLSearchParams(window.location.search).get('token');
  if (token === null) return null;
  const origin = window.location.origin;
  return {
    api: createClient(httpTransport(origin, token, (url, init) => window.fetch(url, init))),
    onProgress: (listener) => {
      // Server-Sent Events: the page's cookie (set with the token) authorises the stream.
      const source = new EventSource(`${origin}/api/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (message: MessageEvent<string>) => {
        listener(JSON.parse(message.data) as ProgressEvent);
      };
      return () => source.close();
    },
    upload: async (file: File) => {
      const response = await window.fetch(
        `${origin}/api/upload?name=${encodeURIComponent(file.name)}`,
        { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: file },
      );
      const reply = (await response.json()) as
        { ok: true; value: { path: string } } | { ok: false; error: { message: string } };
      if (!reply.ok) throw new Error(reply.error.message);
      return reply.value.path;
    },
    onCommand: () => () => undefined,
  };
}
