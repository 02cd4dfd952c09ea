// The renderer's only door to the host: Electron's preload bridge when it is there, the
// local HTTP server (browser mode) otherwise. Both speak the API contract.

import type { Api, ApiError, ApiMethod, ApiRequest, ApiResponse, RunStreamEvent } from "../../shared/api/contract";
import { ApiFailure } from "../../shared/api/contract";

interface Bridge {
  call(method: string, payload: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiError }>;
  onRunEvent(cb: (e: RunStreamEvent) => void): () => void;
}

declare global {
  interface Window {
    numadesk?: Bridge;
  }
}

export interface Client {
  api: Api;
  onRunEvent(cb: (e: RunStreamEvent) => void): () => void;
  transport: "electron" | "http";
}

function httpBridge(): Bridge {
  const token = new URLSearchParams(location.search).get("token") ?? "";
  return {
    async call(method, payload) {
      const res = await fetch(`/api/${method}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Numadesk-Token": token },
        body: JSON.stringify(payload ?? {}),
      });
      const text = await res.text();
      try {
        return JSON.parse(text);
      } catch {
        return { ok: false, error: { code: "unavailable", message: `the server answered ${res.status}: ${text.slice(0, 200)}` } };
      }
    },
    onRunEvent(cb) {
      const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
      es.onmessage = (m) => cb(JSON.parse(m.data) as RunStreamEvent);
      return () => es.close();
    },
  };
}

export function createClient(): Client {
  const bridge = window.numadesk ?? httpBridge();
  const api = new Proxy({} as Api, {
    get: (_t, method: string) => async (req: unknown) => {
      const r = await bridge.call(method, req);
      if (!r.ok) throw new ApiFailure(r.error);
      return r.result;
    },
  });
  return { api, onRunEvent: (cb) => bridge.onRunEvent(cb), transport: window.numadesk ? "electron" : "http" };
}

export type { ApiMethod, ApiRequest, ApiResponse };
