// The command line, live: copy it, save it as a script, export it (JSON, libvirt XML, argv),
// or paste one to import. Diagnostics below it, errors first; clicking one selects the
// element it is about.

import { useMemo, useRef, useState } from "react";
import { useApp } from "./useApp";
import { predictionOf, type diagnosticsOf } from "../store/store";
import { useDiagnostics } from "./useDiagnostics";
import { isBehind } from "../store/shown";
import { generateArgv, generateScript, generateShellLine } from "../../shared/qemu/generate";
import { exportLibvirt } from "../../shared/export/libvirt";
import { lineExportRefusal } from "../../shared/export/line-bound";
import { exportLaunchScript } from "../../shared/export/launch-script";
import { pinsLeftOut } from "../../shared/export/pins-left-out";
import { layoutToText } from "../../shared/layout/load";
import { labelAt } from "../../shared/layout/label";
import { downloadText } from "./download";
import type { Diagnostic, ElementRef } from "../../shared/diagnostics/diagnostic";
import { CheckedQemu } from "./CheckedQemu";
import { fixesFor, type Fix } from "../../shared/layout/fixes";
import { pinFocusOf } from "../../shared/pin/focus";
import { revealElement } from "./reveal-element";
import { CommaBreakText } from "./CommaBreakText";

type Format = "qemu" | "sh" | "launch" | "json" | "libvirt" | "argv";

const FILES: Record<Format, [string, string]> = {
  qemu: ["qemu-command.txt", "text/plain"],
  sh: ["run-qemu.sh", "text/x-shellscript"],
  launch: ["launch-qemu.sh", "text/x-shellscript"],
  json: ["layout.numadesk.json", "application/json"],
  libvirt: ["numa.xml", "application/xml"],
  argv: ["argv.json", "application/json"],
};

export function CommandPanel() {
  // what this panel shows follows the layout a frame behind the canvas on a big host (store/shown.ts)
  const layout = useApp((s) => s.shown.layout);
  const host = useApp((s) => s.shown.host);
  const prediction = useApp((s) => predictionOf({ layout: s.shown.layout, host: s.shown.host, model: s.model, qemu: s.qemu, target: s.target }));
  const importCommandLine = useApp((s) => s.importCommandLine);
  const selectEl = useApp((s) => s.select);
  const focusPins = useApp((s) => s.focusPins);
  const say = useApp((s) => s.say);
  const edit = useApp((s) => s.edit);
  const [format, setFormat] = useState<Format>("qemu");
  const [pasting, setPasting] = useState(false);
  const [pasted, setPasted] = useState("");
  const [failed, setFailed] = useState<Diagnostic[] | undefined>();
  const toggle = useRef<HTMLButtonElement>(null);
  const runImport = (partial: boolean) => {
    const r = importCommandLine(pasted, { partial });
    if (r.ok) {
      setFailed(undefined);
      // focus back on "import…" before the form goes: Chromium removing the focused button with the
      // form laid out the whole page inside React's commit (1.2-3.6 s of a 2048-backend paste), and
      // again after it
      toggle.current?.focus();
      setPasting(false);
    } else setFailed(r.diagnostics);
  };

  // a command line too long to paste back is not offered (shared/export/line-bound.ts)
  // the QEMU line is written once and its length checked from it (a 2048-backend line took 0.1-0.2 s each time)
  const line = useMemo(() => {
    if (format !== "qemu") return undefined;
    try {
      return generateShellLine(layout);
    } catch {
      return undefined;
    }
  }, [layout, format]);
  const refused = useMemo(() => (format === "json" || format === "libvirt" ? undefined : lineExportRefusal(layout, line)), [layout, format, line]);
  const text = useMemo(() => {
    if (refused) return `not written: ${refused}`;
    try {
      switch (format) {
        case "qemu":
          return line ?? generateShellLine(layout);
        case "sh":
          return generateScript(layout);
        case "launch":
          return exportLaunchScript(layout).script;
        case "json":
          return layoutToText(layout);
        case "libvirt":
          return exportLibvirt(layout).xml;
        case "argv":
          return JSON.stringify(generateArgv(layout), null, 1);
      }
    } catch (e) {
      return `cannot write this layout: ${(e as Error).message}`;
    }
  }, [layout, format, refused, line]);
  // the canvas draws pins that a QEMU line cannot carry: said beside the line, not left for the user to find out
  const leftOut = useMemo(() => (format === "qemu" || format === "sh" || format === "argv" ? pinsLeftOut(layout) : undefined), [layout, format]);
  const diagnostics = useDiagnostics();
  // the one-click fixes, worked out once per list (Diagnostics is drawn again when the panels fall a frame behind)
  const fixes = useMemo(() => new Map(diagnostics.map((d) => [d, fixesFor(d, layout, host)])), [diagnostics, layout, host]);

  return (
    <section className="panel command-panel" aria-label="command line">
      <header>
        <h2>Command line</h2>
        <div className="row">
          <select aria-label="export format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            <option value="qemu">QEMU command line</option>
            <option value="sh">shell script</option>
            <option value="launch">launch script (pins every thread)</option>
            <option value="argv">argv (JSON)</option>
            <option value="json">layout JSON</option>
            <option value="libvirt">libvirt XML</option>
          </select>
          <button
            type="button"
            disabled={refused !== undefined}
            onClick={() =>
              navigator.clipboard?.writeText(text).then(
                () => say("info", "copied"),
                () => say("error", "the browser refused the clipboard; select the text and copy it"),
              )
            }
          >
            copy
          </button>
          <button type="button" disabled={refused !== undefined} onClick={() => downloadText(FILES[format][0], FILES[format][1], text)}>
            save
          </button>
          <button type="button" ref={toggle} onClick={() => setPasting(!pasting)} aria-expanded={pasting}>
            import…
          </button>
        </div>
      </header>
      {pasting ? (
        <form
          className="paste"
          onSubmit={(e) => {
            e.preventDefault();
            runImport(false);
          }}
        >
          <textarea
            aria-label="command line to import"
            rows={6}
            value={pasted}
            onChange={(e) => {
              setPasted(e.target.value);
              setFailed(undefined);
            }}
            placeholder="qemu-system-x86_64 -m 4G -smp 4 …   (a libvirt log line works too)"
          />
          {failed ? (
            <div className="import-failed" role="alert" data-testid="import-failed">
              <p>Not imported: your layout is unchanged. {failed.length === 1 ? "One problem" : `${failed.length} problems`} in the pasted text:</p>
              <ul>
                {failed.map((d, i) => (
                  <li key={i}>
                    <code>{d.code}</code> {d.message}
                    <TokenInText text={pasted} span={d.at?.span} />
                    <div className="fix">→ {d.fix}</div>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <div className="row">
            <button type="submit">import</button>
            {failed ? (
              <button type="button" onClick={() => runImport(true)} title="replace the layout with what could be read; the problems stay listed below">
                import what could be read
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
      {leftOut ? (
        <p className="pins-left-out" data-testid="pins-left-out">
          {leftOut}{" "}
          <button type="button" onClick={() => setFormat("launch")}>
            show the launch script
          </button>
        </p>
      ) : null}
      <CommaBreakText className="cmdline" testId="cmdline" text={text} />
      {prediction ? (
        <p className="prediction" data-testid="prediction" title="the preallocation model (shared/model/prealloc-model.ts); numadesk calibrate fits it to this host">
          {prediction}
        </p>
      ) : null}
      <Diagnostics
        list={diagnostics}
        onPick={(element, d) => {
          // Backends are what the canvas and the layout panel can select; a PIN diagnostic outlines its vCPUs and PUs.
          if (element?.kind === "backend" && element.id !== undefined) selectEl(element.id);
          else revealElement(element, d.at?.path);
          focusPins(pinFocusOf(d, layout));
        }}
        label={(path) => labelAt(layout, path)}
        fixOf={(d) => fixes.get(d) ?? []}
        onFix={(fix) => edit(fix.apply)}
      />
    </section>
  );
}

/** The line of the pasted text that holds a problem, its token marked. */
function TokenInText({ text, span }: { text: string; span: [number, number] | undefined }) {
  if (!span) return null;
  const lineStart = text.lastIndexOf("\n", span[0] - 1) + 1;
  const nl = text.indexOf("\n", span[1]);
  const lineEnd = nl < 0 ? text.length : nl;
  // long lines show 40 characters either side of the token
  const from = Math.max(lineStart, span[0] - 40);
  const to = Math.min(lineEnd, span[1] + 40);
  return (
    <pre className="token-in-text">
      {from > lineStart ? "…" : ""}
      {text.slice(from, span[0])}
      <mark>{text.slice(span[0], Math.max(span[1], span[0] + 1))}</mark>
      {text.slice(Math.max(span[1], span[0] + 1), to)}
      {to < lineEnd ? "…" : ""}
    </pre>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

interface DiagnosticsProps {
  list: ReturnType<typeof diagnosticsOf>;
  onPick: (element: ElementRef | undefined, d: Diagnostic) => void;
  label: (path?: string) => string | undefined;
  /** the one-click fix for a diagnostic, where its fix is mechanical (shared/layout/fixes.ts) */
  fixOf: (d: Diagnostic) => Fix[];
  onFix: (fix: Fix) => void;
}

function Diagnostics({ list, onPick, label, fixOf, onFix }: DiagnosticsProps) {
  // the list is of the layout before the last edit, its check still to come (a big host)
  const pending = useApp(isBehind);
  if (list.length === 0)
    return (
      <p className="ok-line" data-testid="diagnostics" aria-busy={pending || undefined}>
        ✓ no problems on this target · <CheckedQemu />
      </p>
    );
  const count = (s: string) => list.filter((d) => d.severity === s).length;
  return (
    <div data-testid="diagnostics" aria-busy={pending || undefined}>
      <p className="muted">
        {plural(count("error"), "error")} · {plural(count("warning"), "warning")} · {plural(count("hint"), "hint")} · <CheckedQemu />
      </p>
      <ul className="diagnostics">
        {list.map((d, i) => (
          <li key={i} className={d.severity} data-code={d.code}>
            <button type="button" className="link" onClick={() => onPick(d.at?.element, d)}>
              <span className="sev">{d.severity}</span> <code>{d.code}</code> {label(d.at?.path) ? <code className="where">{label(d.at?.path)}</code> : null} {d.message}
            </button>
            <div className="fix">
              → {d.fix}
              {fixOf(d).map((fix) => (
                <button key={fix.label} type="button" className="fix-button" onClick={() => onFix(fix)} title="apply this fix (undo with Ctrl-Z)">
                  {fix.label}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
