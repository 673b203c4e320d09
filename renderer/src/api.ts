import type { ApiClient, MethodName, ProgressEvent, Reply } from '../../shared/api/contract';
import { createClient } from '../../shared/api/client';
import { ApiError, type ApiErrorShape } from '../../shared/api/errors';
import { httpTransport } from '../../shared/api/http-transport';
import type { PickFilesOptions, ShellCommand } from '../../shared/api/ipc';
import { withJobs } from './lib/job-transport';
import { progressStream } from './lib/progress-stream';
import { takeSessionToken } from './lib/session-token';

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
  /** Progress of every long call (one shared stream); a call's own is in its options. */
  onProgress(listener: (event: ProgressEvent) => void): () => void;
  /** The desktop's native file dialog; absent in browser mode. */
  pickFiles?: (options: PickFilesOptions) => Promise<string[]>;
  /** Browser mode: copies a chosen file to the engine's machine and returns its path there. */
  upload?: (file: File, signal?: AbortSignal) => Promise<string>;
  onCommand(listener: (command: ShellCommand) => void): () => void;
}

/**
 * The renderer's one API client; it does not know which transport carries the calls: Electron
 * IPC through the preload bridge, or HTTP to the local server in browser mode. Progress and
 * cancellation work the same over both (lib/job-transport.ts): pass `signal` and `onProgress`
 * in a call's options.
 */
export function connect(): Connection | null {
  const bridge = window.workbenchBridge;
  if (bridge !== undefined) {
    const { transport, onProgress } = withJobs(
      (method, request, options) => bridge.call(method, request, options.jobId),
      (listener) => bridge.onProgress(listener),
    );
    const pickFiles = bridge.pickFiles?.bind(bridge);
    return {
      api: createClient(transport),
      onProgress,
      ...(pickFiles === undefined ? {} : { pickFiles }),
      onCommand: (listener) => bridge.onCommand?.(listener) ?? (() => undefined),
    };
  }
  // Browser mode: the token only ever travels in the Authorization header of /api requests.
  const token = takeSessionToken({
    location: window.location,
    history: window.history,
    // Read on use: merely touching window.sessionStorage throws where storage is blocked.
    storage: {
      getItem: (key) => window.sessionStorage.getItem(key),
      setItem: (key, value) => window.sessionStorage.setItem(key, value),
    },
  });
  if (token === null) return null;
  const origin = window.location.origin;
  const { transport, onProgress } = withJobs(
    httpTransport(origin, token, (url, init) => window.fetch(url, init)),
    progressStream({
      url: `${origin}/api/events`,
      token,
      fetch: (url, init) => window.fetch(url, init),
    }),
  );
  return {
    api: createClient(transport),
    onProgress,
    upload: async (file: File, signal?: AbortSignal) => {
      const response = await window.fetch(
        `${origin}/api/upload?name=${encodeURIComponent(file.name)}`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: file,
          ...(signal === undefined ? {} : { signal }),
        },
      );
      const reply = (await response.json()) as
        { ok: true; value: { path: string } } | { ok: false; error: ApiErrorShape };
      if (!reply.ok) throw ApiError.fromShape(reply.error);
      return reply.value.path;
    },
    onCommand: () => () => undefined,
  };
}
