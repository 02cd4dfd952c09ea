// The target: this host, a bundled sample, an imported topology or the lab, and what QEMU offers.

import { labTopology } from "../../shared/lab/topology";
import { importTopology, detectTopologyFormat } from "../../shared/topology/import/formats";
import { lacksNote } from "../../shared/topology/lacks-note";
import { errorText, type Full, type SliceDeps } from "./slice";

export type TargetSlice = Pick<Full, "samples" | "loadQemus" | "loadModel" | "chooseHost" | "chooseSample" | "chooseLab" | "importTopologyText">;

export function targetSlice({ api, set, get }: SliceDeps): TargetSlice {
  // a note (a plan's, an import's) is about the target it was said on: a new target drops it; errors stay
  const stale = () => (get().message?.kind === "info" ? { message: undefined } : {});
  return {
    samples: [],
    async loadModel() {
      const target = get().target;
      const req = target?.kind === "sample" ? { sample: target.name } : target?.kind === "host" ? { thisHost: true } : {};
      try {
        const r = await api.modelParams(req);
        // a target chosen meanwhile asks again; this answer is for the old one
        if (get().target !== target) return;
        set({ model: { params: { ...r.params, nodeGiBps: r.params.nodeGiBps ?? Number.POSITIVE_INFINITY }, ...(r.kernelRelease ? { kernelRelease: r.kernelRelease } : {}) } });
      } catch {
        if (get().target === target) set({ model: undefined });
      }
    },
    async loadQemus() {
      set({ qemus: await api.listQemus({}).catch(() => []) });
    },
    async chooseHost() {
      try {
        const host = await api.probeHost({});
        set({ host, target: { kind: "host", name: "this host" }, ...stale() });
        void get().loadModel();
        // a kernel whose /sys misses a file the reader needs: say which figures are defaults
        const note = lacksNote(host, true);
        if (note) get().say("info", note);
      } catch (e) {
        get().say("error", `cannot read this host: ${errorText(e).text}`);
      }
    },
    async chooseSample(name) {
      try {
        const host = await api.loadSample({ name });
        set({ host, target: { kind: "sample", name }, ...stale() });
        void get().loadModel();
      } catch (e) {
        get().say("error", errorText(e).text);
      }
    },
    chooseLab(nodes) {
      set({ host: labTopology(nodes), target: { kind: "lab", name: `lab: ${nodes} nodes`, nodes }, ...stale() });
      void get().loadModel();
    },
    importTopologyText(text, format) {
      const f = format ?? detectTopologyFormat(text);
      if (!f) {
        get().say("error", "this text is not numactl -H, lscpu, lscpu -p, hwloc XML or virsh capabilities output");
        return false;
      }
      const r = importTopology(f, text, `imported ${f}`);
      if (!r.ok) {
        get().say("error", r.error);
        return false;
      }
      set({ host: r.topology, target: { kind: "imported", name: r.topology.name }, ...stale() });
      void get().loadModel();
      if (r.lacks.length) get().say("info", `${f} does not say: ${r.lacks.join("; ")}`);
      return true;
    },
  };
}
