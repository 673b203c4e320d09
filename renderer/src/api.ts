import type { ApiClient, ProgressEvent, Reply, MethodName } from '../../shared/api/contract';
import { createClient } from '../../shared/api/client';
import { httpTransport } from '../../shared/api/http-transport';

interface Bridge {
  call(method: string, request: unknown, jobId?: string): Promise<Reply<MethodName>>;
  onProgress(listener: (event: ProgressEvent) => void): () => void;
}

declare global {
  interface Window {
    workbenchBridge?: Bridge;
  }
}

/**
 * The renderer's one API client; it does not know which transport carries the calls: Electron
 * IPC through the preload bridge, or HTTP to the local server in browser mode.
 */
export function connectApi(): ApiClient | null {
  const bridge = window.workbenchBridge;
  if (bridge !== undefined) {
    return createClient((method, request, options) => bridge.call(method, request, options.jobId));
  }
  const token = new URLSearchParams(window.location.search).get('token');
  if (token === null) return null;
  return createClient(
    httpTransport(window.location.origin, token, (url, init) => window.fetch(url, init)),
  );
}
