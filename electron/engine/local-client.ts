import {
  METHOD_NAMES,
  type ApiClient,
  type CallOptions,
  type MethodName,
} from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Engine } from './engine';

/**
 * The in-process transport: the typed client over an Engine in the same process (CLI, tests).
 * Like IPC and HTTP it passes requests as plain data through `Engine.call`, so validation and
 * error shapes are exactly those of the other transports.
 */
export function createLocalClient(engine: Engine): ApiClient {
  const client: Partial<
    Record<MethodName, (req: unknown, options?: CallOptions) => Promise<unknown>>
  > = {};
  for (const method of METHOD_NAMES) {
    client[method] = async (request: unknown, options?: CallOptions) => {
      const reply = await engine.call(method, structuredClone(request), options);
      if (!reply.ok) throw ApiError.fromShape(reply.error);
      return reply.value;
    };
  }
  return client as ApiClient;
}
