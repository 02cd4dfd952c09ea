// React access to the app store: components read slices through selectors.

import { createContext, useContext } from "react";
import { useStore } from "zustand";
import type { AppActions, AppState, AppStore } from "../store/store";

export const StoreContext = createContext<AppStore | null>(null);

export function useApp<T>(selector: (s: AppState & AppActions) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error("internal: no store");
  return useStore(store, selector);
}

export const DND_TYPE = "application/x-numadesk";
export type DragItem = { kind: "backend"; id: string } | { kind: "threads"; threads: number };
