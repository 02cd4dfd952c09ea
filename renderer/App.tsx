// The window: target bar on top, host canvas and guest layout side by side, command line and
// run view below.

import { useEffect, useRef } from "react";
import { useApp } from "./views/useApp";
import { TargetBar } from "./views/TargetBar";
import { HostCanvas } from "./views/HostCanvas";
import { LayoutPanel } from "./views/LayoutPanel";
import { CommandPanel } from "./views/CommandPanel";
import { PinningPanel } from "./views/PinningPanel";
import { RunPanel } from "./views/RunPanel";
import { QemuPanel } from "./views/QemuPanel";
import { Presenter } from "./views/Presenter";
import { useColumnFill } from "./views/use-column-fill";

/** how long a note stays on screen */
const INFO_MS = 8000;

export function App() {
  const theme = useApp((s) => s.theme);
  const message = useApp((s) => s.message);
  const dismiss = useApp((s) => s.dismiss);
  // notes go away by themselves after a while; errors stay until dismissed or replaced
  useEffect(() => {
    if (message?.kind !== "info") return;
    const t = setTimeout(dismiss, INFO_MS);
    return () => clearTimeout(t);
  }, [message, dismiss]);
  // the command line beside a tall canvas instead of an empty column (use-column-fill.ts)
  const main = useRef<HTMLElement>(null);
  useColumnFill(main);
  // a comparison spans the page under the command line; with the command line under the canvas it spans too (styles.css)
  const comparing = useApp((s) => s.compare.length > 0);
  const undo = useApp((s) => s.undo);
  const redo = useApp((s) => s.redo);
  const recovery = useApp((s) => s.recovery);
  const restoreRecovery = useApp((s) => s.restoreRecovery);
  const dropRecovery = useApp((s) => s.dropRecovery);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
      // a field being typed in keeps the browser's own undo of its text; a field showing what is
      // applied (ValidatedInput's data-applied) does not, so a drag on the canvas after Enter is undone
      if ((e.target as HTMLElement).closest("input:not([data-applied]), textarea")) return;
      e.preventDefault();
      if (e.shiftKey) redo();
      else undo();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, redo]);

  return (
    <div className="app">
      <TargetBar />
      {message ? (
        <div className={`message ${message.kind}`} role={message.kind === "error" ? "alert" : "status"}>
          <span>{message.text}</span>
          <button type="button" className="dismiss" onClick={dismiss} aria-label="dismiss this message">
            ×
          </button>
        </div>
      ) : null}
      {recovery ? (
        <div className="message info" role="status">
          Unsaved work from your last session was kept.{" "}
          <button type="button" onClick={restoreRecovery}>
            restore it
          </button>{" "}
          <button
            type="button"
            onClick={() => {
              window.localStorage.removeItem("numadesk.recovery");
              dropRecovery();
            }}
          >
            discard
          </button>
        </div>
      ) : null}
      <main ref={main} data-comparing={comparing ? "" : undefined}>
        <HostCanvas />
        <LayoutPanel />
        <CommandPanel />
        <RunPanel />
        <QemuPanel />
        <PinningPanel />
      </main>
      <Presenter />
    </div>
  );
}
