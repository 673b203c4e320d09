import type { ApiClient } from '../../shared/api/contract';
import { createClient } from '../../shared/api/client';
import type { Engine } from './engine';

/**
 * The in-process transport (CLI, tests). Requests are cloned as IPC and HTTP would serialise
 * them, so nothing here can depend on sharing objects with the engine.
 */
export function createLocalClient(engine: Engine): ApiClient {
  return createClient((method, request, options) =>
    engine.call(method, structuredClone(request), options),
  );
}
