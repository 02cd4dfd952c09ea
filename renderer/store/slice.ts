// What every slice gets: the store's set/get, the API and the undoable commit.

import type { StoreApi } from "zustand/vanilla";
import type { Api, ApiError } from "../../shared/api/contract";
import { ApiFailure } from "../../shared/api/contract";
import type { Diagnostic } from "../../shared/diagnostics/diagnostic";
import type { Layout } from "../../shared/layout/schema";
import type { AppActions, AppState } from "./types";

export type Full = AppState & AppActions;

export interface SliceDeps {
  api: Api;
  set: StoreApi<Full>["setState"];
  get: () => Full;
  /** replace the layout as one undoable step */
  commit: (layout: Layout) => void;
}

export const UNDO_LIMIT = 200;

export function errorText(e: unknown): { text: string; diagnostics?: Diagnostic[] } {
  if (e instanceof ApiFailure) {
    const err: ApiError = e.error;
    return err.diagnostics ? { text: err.message, diagnostics: err.diagnostics as Diagnostic[] } : { text: err.message };
  }
  return { text: (e as Error).message };
}
