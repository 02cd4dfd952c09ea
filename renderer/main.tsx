// Renderer entry: the store over the API client, run events wired in, the app rendered.

import { createRoot } from "react-dom/client";
import { App } from "./App";
import { ErrorBoundary } from "./views/ErrorBoundary";
import { StoreContext } from "./views/useApp";
import { createAppStore, isDirty } from "./store/store";
import { layoutToText } from "../shared/layout/load";
import type { RunStreamEvent } from "../shared/api/contract";
import { createClient } from "./api/client";
import "./styles.css";

const client = createClient();
const store = createAppStore(client.api);
// Run events arrive at up to 200 Hz: hand them to the store once per frame, samples merged.
let pending: RunStreamEvent[] = [];
const flush = () => {
  const batch = pending;
  pending = [];
  for (const e of batch) store.getState().onRunEvent(e);
};
const feed = (e: RunStreamEvent) => {
  const last = pending[pending.length - 1];
  if (e.type === "samples" && last?.type === "samples" && last.runId === e.runId) last.samples.push(...e.samples);
  else pending.push(e.type === "samples" ? { ...e, samples: [...e.samples] } : e);
  if (pending.length === 1) requestAnimationFrame(flush);
};
client.onRunEvent(feed);
if (window.matchMedia?.("(prefers-color-scheme: dark)").matches) store.getState().setTheme("dark");
void store
  .getState()
  .init()
  .then(() => {
    // a recovery copy from a session that ended with unsaved work
    const copy = localStorage.getItem(RECOVERY_KEY);
    if (copy) store.setState({ recovery: copy });
  });

// Unsaved work is never lost silently: a recovery copy follows every edit, and leaving asks first.
const RECOVERY_KEY = "numadesk.recovery";
let timer: ReturnType<typeof setTimeout> | undefined;
store.subscribe((s, prev) => {
  if (s.layout === prev.layout && s.saved === prev.saved) return;
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (!isDirty(s)) return localStorage.removeItem(RECOVERY_KEY);
    try {
      localStorage.setItem(RECOVERY_KEY, layoutToText(s.layout));
    } catch {
      // over the storage quota (Chromium: about 5 MB; an import of 20 000 options is 1 MB of
      // JSON): an uncaught error here was a page error; an older copy would now mislead, so drop it
      localStorage.removeItem(RECOVERY_KEY);
    }
  }, 300);
});
window.addEventListener("beforeunload", (e) => {
  if (!isDirty(store.getState())) return;
  e.preventDefault();
  e.returnValue = "";
});
// for the e2e tests and the in-browser benchmark
Object.assign(window, { __numadesk: store, __numadeskFeed: feed });

createRoot(document.getElementById("root")!).render(
  <StoreContext.Provider value={store}>
    <ErrorBoundary layoutText={() => layoutToText(store.getState().layout)}>
      <App />
    </ErrorBoundary>
  </StoreContext.Provider>,
);
