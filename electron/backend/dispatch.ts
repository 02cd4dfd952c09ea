// One call through the API table: check the method and the payload, run the handler, turn
// what it throws into a typed error. Both transports use this and nothing else.

import { ApiFailure, checkRequest, isApiMethod, type ApiError } from "../../shared/api/contract";
import type { Backend } from "./backend";

export type CallResult = { ok: true; result: unknown } | { ok: false; error: ApiError };

export async function dispatch(backend: Backend, method: string, payload: unknown): Promise<CallResult> {
  if (!isApiMethod(method)) return { ok: false, error: { code: "bad-request", message: `there is no method '${method.slice(0, 60)}'` } };
  const checked = checkRequest(method, payload);
  if (!checked.ok) return checked;
  try {
    const handler = backend.api[method] as (req: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(checked.value) };
  } catch (e) {
    if (e instanceof ApiFailure) return { ok: false, error: e.error };
    // A bug: say so without a stack trace crossing to the UI.
    return { ok: false, error: { code: "internal", message: `internal error in ${method}: ${(e as Error).message}` } };
  }
}
