import type { ApiClient, ProgressEvent, Reply, MethodName } from '../../shared/api/contract';
import { createClient } from '../../shared/api/client';

interface Bridge {
  call(method: string, request: unknown, jobId?: string): Promise<Reply<MethodName>>;
  onProgress(listener: (event: ProgressEvent) => void): () => void;
}

declare global {
  interface Window {
    workbenchBridge?: Bridge;
  }
}

/** The renderer's one API client; it does not know which transport carries the calls. */
export function connectApi(): ApiClient | null {
  const bridge = window.workbenchBridge;
  if (bridge === undefined) return null;
  return createClient((method, request, options) => bridge.call(method, request, options.jobId));
}
