import {
  METHOD_NAMES,
  type ApiClient,
  type CallOptions,
  type MethodName,
  type Reply,
} from './contract';
import { ApiError } from './errors';

/** What a transport provides: send one call, get the reply (errors as data). */
export type Transport = (
  method: MethodName,
  request: unknown,
  options: CallOptions,
) => Promise<Reply<MethodName>>;

/**
 * The typed client over any transport (in-process, IPC, HTTP): every method of the contract,
 * replies unwrapped, errors rethrown as ApiError so callers handle one error type everywhere.
 */
export function createClient(transport: Transport): ApiClient {
  const client: Partial<
    Record<MethodName, (request: unknown, options?: CallOptions) => Promise<unknown>>
  > = {};
  for (const method of METHOD_NAMES) {
    client[method] = async (request: unknown, options: CallOptions = {}) => {
      const reply = await transport(method, request, options);
      if (!reply.ok) throw ApiError.fromShape(reply.error);
      return reply.value;
    };
  }
  return client as ApiClient;
}
