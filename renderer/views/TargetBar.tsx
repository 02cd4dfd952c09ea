// What the layout is for and where it comes from: the target host, "plan for me", layout
// files, undo/redo, theme.

import { useRef, useState } from "react";
import { useApp } from "./useApp";
import { isDirty } from "../store/store";
import { MAX_LAYOUT_TEXT } from "../../shared/layout/load";
import { onlineCpuCount } from "../../shared/topology/query";
import { downloadText } from "./download";
import { countField, sizeField } from "../../shared/layout/fields";
import { recentLayouts, rememberLayout } from "./recent";
import { TargetLacks } from "./TargetLacks";

/** "plan for me"'s fields as typed */
interface PlanFields {
  mem: string;
  vcpus: string;
  threads: string;
}
const PLAN_DEFAULTS: PlanFields = { mem: "4G", vcpus: "4", threads: "4" };

export function TargetBar() {
  const target = useApp((s) => s.target);
  const samples = useApp((s) => s.samples);
  const host = useApp((s) => s.host);
  const chooseHost = useApp((s) => s.chooseHost);
  const chooseSample = useApp((s) => s.chooseSample);
  const chooseLab = useApp((s) => s.chooseLab);
  const importTopologyText = useApp((s) => s.importTopologyText);
  const plan = useApp((s) => s.plan);
  const undo = useApp((s) => s.undo);
  const redo = useApp((s) => s.redo);
  const canUndo = useApp((s) => s.past.length > 0);
  const canRedo = useApp((s) => s.future.length > 0);
  // only the title: the bar is not drawn again on every edit of the layout
  const title = useApp((s) => s.layout.title);
  const openLayoutText = useApp((s) => s.openLayoutText);
  const say = useApp((s) => s.say);
  const layoutFileText = useApp((s) => s.layoutFileText);
  const saveAs = useApp((s) => s.saveAs);
  const openDialog = useApp((s) => s.openDialog);
  const unsaved = useApp(isDirty);
  const newLayout = useApp((s) => s.newLayout);
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const markSaved = useApp((s) => s.markSaved);
  const value = target?.kind === "sample" ? `sample:${target.name}` : target?.kind === "host" ? "host" : target?.kind === "lab" ? `lab:${target.nodes}` : "imported";
  // the three fields as typed: a count is checked, not coerced (clearing vCPUs once made it 1, so typing 8 gave 18).
  // They belong to the target they were typed for: a new target starts from the defaults (256G and 104
  // vCPUs typed for the seed host stayed in the bar on a 16-PU host), and going back finds them again
  const [reqs, setReqs] = useState<Record<string, PlanFields>>({});
  const reqKey = `${value}|${target?.name ?? ""}`;
  const req = reqs[reqKey] ?? PLAN_DEFAULTS;
  const setReq = (r: PlanFields) => setReqs((all) => ({ ...all, [reqKey]: r }));
  const memCheck = sizeField(req.mem, "M");
  const memError = memCheck.ok ? undefined : memCheck.error;
  // the planner's own bounds (shared/plan/planner.ts): 1–4096 vCPUs, 0–65536 threads
  const vcpusCheck = countField(req.vcpus, { min: 1, max: 4096, what: "vCPUs" });
  const threadsCheck = countField(req.threads, { min: 0, max: 65536, what: "threads" });
  const vcpusError = vcpusCheck.ok ? undefined : vcpusCheck.error;
  const threadsError = threadsCheck.ok ? undefined : threadsCheck.error;
  const planError = memError ?? vcpusError ?? threadsError;
  const [topoText, setTopoText] = useState<string | undefined>();
  const fileRef = useRef<HTMLInputElement>(null);
  const [recent, setRecent] = useState(() => (typeof localStorage === "undefined" ? [] : recentLayouts()));

  return (
    <header className="topbar">
      <h1>Numadesk</h1>
      <label>
        target
        <select
          aria-label="target host"
          value={value}
          onChange={(e) => {
            const v = e.target.value;
            if (v === "host") void chooseHost();
            else if (v.startsWith("sample:")) void chooseSample(v.slice(7));
            else if (v === "lab:2" || v === "lab:4") chooseLab(Number(v.slice(4)) as 2 | 4);
            else if (v === "import") setTopoText("");
          }}
        >
          <option value="host">this host</option>
          {/* short option texts keep the bar one row at 1280 px; the groups say what they are */}
          <optgroup label="lab (a small VM)">
            <option value="lab:2">lab, 2 nodes</option>
            <option value="lab:4">lab, 4 nodes</option>
          </optgroup>
          <optgroup label="sample hosts">
            {samples.map((s) => (
              <option key={s.name} value={`sample:${s.name}`} title={s.description}>
                {s.name}
              </option>
            ))}
          </optgroup>
          {target?.kind === "imported" ? <option value="imported">{target.name}</option> : null}
          <option value="import">import a topology…</option>
        </select>
      </label>
      <TargetLacks />
      <form
        className="plan"
        aria-label="plan for me"
        title="What “plan for me” designs a new layout from (the layout itself is in the panels below)"
        onSubmit={(e) => {
          e.preventDefault();
          if (!planError) plan({ mem: req.mem, vcpus: Number(req.vcpus), threads: Number(req.threads) });
        }}
      >
        <label title="guest RAM: a QEMU size such as 256G or 4096M (a bare number is MiB)">
          memory
          <input aria-label="guest memory" aria-invalid={memError ? true : undefined} className="size" value={req.mem} onChange={(e) => setReq({ ...req, mem: e.target.value })} />
          <FieldError text={memError && `memory: ${memError}`} />
        </label>
        <label title="vCPUs of the guest (-smp)">
          vCPUs
          <input aria-label="vCPUs" aria-invalid={vcpusError ? true : undefined} type="number" min={1} max={4096} value={req.vcpus} onChange={(e) => setReq({ ...req, vcpus: e.target.value })} />
          <FieldError text={vcpusError} />
        </label>
        <label title="preallocation threads for the whole VM, shared out among its memory backends (0: no preallocation)">
          threads/VM
          <input
            aria-label="preallocation threads"
            aria-invalid={threadsError ? true : undefined}
            type="number"
            min={0}
            max={65536}
            value={req.threads}
            onChange={(e) => setReq({ ...req, threads: e.target.value })}
          />
          <FieldError text={threadsError} />
        </label>
        <button type="submit" disabled={!host || planError !== undefined}>
          plan for me
        </button>
        {host ? (
          <button type="button" className="link" onClick={() => setReq({ mem: "256G", vcpus: String(onlineCpuCount(host)), threads: String(Math.min(16 * host.nodes.length, onlineCpuCount(host))) })}>
            whole host
          </button>
        ) : null}
      </form>
      <div className="actions">
        <button type="button" onClick={undo} disabled={!canUndo} aria-keyshortcuts="Control+Z">
          undo
        </button>
        <button type="button" onClick={redo} disabled={!canRedo} aria-keyshortcuts="Control+Shift+Z">
          redo
        </button>
        <button type="button" onClick={() => (!unsaved || window.confirm("Start a new layout and discard the one you have not saved?")) && newLayout()}>
          new
        </button>
        <button type="button" onClick={() => void openDialog().then((r) => r === "page" && fileRef.current?.click())}>
          open…
        </button>
        {recent.length > 0 ? (
          <select
            aria-label="recent layouts"
            value=""
            onChange={(e) => {
              const r = recent[Number(e.target.value)];
              if (r) openLayoutText(r.text);
            }}
          >
            <option value="">recent…</option>
            {recent.map((r, i) => (
              <option key={r.name + r.at} value={i}>
                {r.name} ({new Date(r.at).toLocaleString()})
              </option>
            ))}
          </select>
        ) : null}
        <input
          ref={fileRef}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="layout file to open"
          onChange={(e) => {
            const f = e.target.files?.[0];
            // a picked file is read whole into the page: look at its size first
            if (f && f.size > MAX_LAYOUT_TEXT) say("error", `${f.name} is ${Math.round(f.size / 1048576)} MiB, more than a layout file can be (16 MiB); check that this is the right file`);
            else if (f)
              void f.text().then((text) => {
                openLayoutText(text);
                rememberLayout(f.name, text);
                setRecent(recentLayouts());
              });
            e.target.value = "";
          }}
        />
        <button
          type="button"
          onClick={() => {
            const name = `${(title ?? "layout").replace(/[^\w.-]+/g, "-")}.numadesk.json`;
            const text = layoutFileText();
            void saveAs(name).then((r) => {
              if (r === "cancelled") return; // nothing written: the layout stays unsaved
              // browser mode: the page can only hand the file to the browser's download
              if (r === "download") {
                downloadText(name, "application/json", text);
                markSaved();
              }
              rememberLayout(name, text);
              setRecent(recentLayouts());
            });
          }}
        >
          save
        </button>
        <button type="button" onClick={() => setTheme(theme === "light" ? "dark" : "light")} aria-label="switch theme">
          {theme === "light" ? "☾" : "☀"}
        </button>
      </div>
      {topoText !== undefined ? (
        <div className="dialog" role="dialog" aria-label="import a topology">
          <p>Paste the output of numactl --hardware, lscpu, lscpu -p, lstopo --of xml or virsh capabilities:</p>
          <textarea rows={10} aria-label="topology text" value={topoText} onChange={(e) => setTopoText(e.target.value)} />
          <div className="row">
            <button type="button" onClick={() => importTopologyText(topoText) && setTopoText(undefined)}>
              import
            </button>
            <button type="button" onClick={() => setTopoText(undefined)}>
              cancel
            </button>
          </div>
        </div>
      ) : null}
    </header>
  );
}

/** A plan field's error, under that field (the bar stays one row while all three are valid). */
function FieldError({ text }: { text: string | undefined }) {
  return text ? (
    <span className="field-error" role="alert">
      {text}
    </span>
  ) : null;
}
