// Layout → libvirt domain XML fragment: <memory>, <memoryBacking>, <vcpu>, <numatune>,
// <cpu><numa>. libvirt's model is coarser than QEMU's: one preallocation thread count for
// all backends, no explicit thread-contexts (libvirt ≥ 8.10 creates them itself), no
// backend-specific policy "default" with host nodes. What cannot be said is listed.

import type { Backend, Layout } from "../layout/schema";
import { backendBytes, smpCpus, smpMaxCpus } from "../qemu/prealloc";
import { parseSize } from "../size/size";
import { idList } from "../cpulist/cpulist";
import { cputuneParts } from "./libvirt-cputune";
import { consoleWords } from "../layout/guest-console";

export interface LibvirtExport {
  xml: string;
  /** what the layout says that this XML does not */
  notes: string[];
}

const MODE: Record<string, string> = { bind: "strict", preferred: "preferred", interleave: "interleave" };

function attr(v: string | number): string {
  return String(v).replace(/&/g, "&amp;").replace(/'/g, "&apos;").replace(/</g, "&lt;");
}

function bytesOr0(text: string, unit: "B" | "M"): number {
  const r = parseSize(text, unit);
  return r.ok ? r.bytes : 0;
}

/**
 * An XML comment that says `text` and nothing else: XML forbids "--" inside a comment (a run of
 * dashes could end it early and let the rest be read as elements) and characters XML cannot
 * hold; ids and options in these notes come from the user's layout.
 */
function comment(text: string): string {
  const safe = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "")
    .replace(/[\r\n\t]+/g, " ")
    .replace(/-(?=-)/g, "- ");
  return `<!-- ${safe}${safe.endsWith("-") ? " " : ""} -->`;
}

export function exportLibvirt(layout: Layout): LibvirtExport {
  const notes: string[] = [];
  const lines: string[] = [];
  const memBytes = layout.memory ? bytesOr0(layout.memory.size, "M") : 128 * 1024 * 1024;
  const kib = (b: number) => Math.floor(b / 1024);
  const byId = new Map(layout.backends.map((b) => [b.id, b]));
  const cells = layout.nodes.map((n, i) => ({ node: n, id: n.nodeid ?? i, backend: n.memdev ? byId.get(n.memdev) : undefined }));
  const used = cells.map((c) => c.backend).filter((b): b is Backend => b !== undefined);

  lines.push(`<memory unit='KiB'>${kib(memBytes)}</memory>`);

  // <memoryBacking>
  const backing: string[] = [];
  const huge = used.filter((b) => b.hugetlb);
  if (huge.length > 0) {
    backing.push("  <hugepages>");
    for (const c of cells) {
      if (!c.backend?.hugetlb) continue;
      const size = c.backend.hugetlbsize ? parseSize(c.backend.hugetlbsize) : undefined;
      const k = size && size.ok ? kib(size.bytes) : 2048;
      backing.push(`    <page size='${k}' unit='KiB' nodeset='${c.id}'/>`);
    }
    backing.push("  </hugepages>");
  }
  const types = new Set(used.map((b) => b.type));
  if (types.size > 1) notes.push(`backend types differ (${[...types].join(", ")}); libvirt has one <source> for all: wrote ${[...types][0]}`);
  const type = [...types][0];
  if (type === "memfd") backing.push("  <source type='memfd'/>");
  if (type === "file") {
    backing.push("  <source type='file'/>");
    if (used.some((b) => b.memPath)) notes.push("mem-path is set by libvirt (memory_backing_dir in qemu.conf), not in the domain XML");
  }
  if (used.some((b) => b.share)) {
    backing.push("  <access mode='shared'/>");
    if (used.some((b) => !b.share)) notes.push("share=on differs between backends; libvirt sets <access mode='shared'/> for all");
  }
  const prealloc = used.filter((b) => b.prealloc);
  if (prealloc.length > 0) {
    if (prealloc.length < used.length) notes.push(`only ${prealloc.map((b) => b.id).join(", ")} preallocate; libvirt's <allocation mode='immediate'> preallocates every backend`);
    const counts = prealloc.map((b) => b.preallocThreads).filter((t): t is number => t !== undefined);
    const distinct = [...new Set(counts)];
    const threads = counts.length > 0 ? Math.max(...counts) : undefined;
    if (distinct.length > 1) {
      notes.push(`per-backend thread counts (${prealloc.map((b) => `${b.id}: ${b.preallocThreads ?? "default"}`).join(", ")}); libvirt has one threads= for all: wrote ${threads}`);
    }
    backing.push(threads !== undefined ? `  <allocation mode='immediate' threads='${threads}'/>` : "  <allocation mode='immediate'/>");
  }
  if (backing.length > 0) lines.push("<memoryBacking>", ...backing, "</memoryBacking>");

  // <vcpu>
  const cpus = smpCpus(layout.smp);
  const max = smpMaxCpus(layout.smp);
  const tune = cputuneParts(layout);
  const cpuset = tune.vcpuCpuset ? ` cpuset='${tune.vcpuCpuset}'` : "";
  lines.push(max !== cpus ? `<vcpu placement='static'${cpuset} current='${cpus}'>${max}</vcpu>` : `<vcpu placement='static'${cpuset}>${max}</vcpu>`);
  lines.push(...tune.iothreads, ...tune.cputune);

  // <numatune>
  const memnodes = cells.flatMap((c) => {
    const b = c.backend;
    if (!b || !b.hostNodes || !b.policy || b.policy === "default") return [];
    return [`  <memnode cellid='${c.id}' mode='${MODE[b.policy]}' nodeset='${attr(b.hostNodes)}'/>`];
  });
  if (memnodes.length > 0) lines.push("<numatune>", ...memnodes, "</numatune>");

  // <cpu>
  const cpuLines: string[] = [];
  const s = layout.smp;
  if (s && (s.sockets || s.cores || s.threads)) {
    const dies = s.dies ? ` dies='${s.dies}'` : "";
    const clusters = s.clusters ? ` clusters='${s.clusters}'` : "";
    cpuLines.push(`  <topology sockets='${s.sockets ?? 1}'${dies}${clusters} cores='${s.cores ?? 1}' threads='${s.threads ?? 1}'/>`);
  }
  if (cells.length > 0) {
    cpuLines.push("  <numa>");
    for (const c of cells) {
      const size = c.backend ? backendBytes(c.backend) : c.node.mem ? bytesOr0(c.node.mem, "M") : 0;
      const cpusAttr = c.node.cpus ? ` cpus='${attr(c.node.cpus)}'` : "";
      const dists = layout.distances.filter((d) => d.src === c.id);
      const open = `    <cell id='${c.id}'${cpusAttr} memory='${kib(size)}' unit='KiB'`;
      if (dists.length === 0) cpuLines.push(`${open}/>`);
      else {
        cpuLines.push(`${open}>`, "      <distances>");
        for (const d of dists) cpuLines.push(`        <sibling id='${d.dst}' value='${d.val}'/>`);
        cpuLines.push("      </distances>", "    </cell>");
      }
    }
    cpuLines.push("  </numa>");
  }
  if (cpuLines.length > 0) lines.push("<cpu>", ...cpuLines, "</cpu>");

  // What does not fit.
  notes.push(...tune.notes);
  if (layout.threadContexts.length > 0) {
    const pinned = layout.threadContexts.map((t) => `${t.id}: ${t.nodeAffinity !== undefined ? `node ${t.nodeAffinity}` : `CPUs ${t.cpuAffinity ?? "any"}`}`).join(", ");
    notes.push(`explicit thread-contexts (${pinned}); libvirt ≥ 8.10 creates a thread-context per guest node from <numatune> when <allocation threads> is set`);
  }
  for (const c of cells) {
    const b = c.backend;
    if (b?.preallocContext && b.hostNodes) {
      const t = layout.threadContexts.find((x) => x.id === b.preallocContext);
      if (t?.nodeAffinity !== undefined && idList(t.nodeAffinity).join() !== idList(b.hostNodes).join()) {
        notes.push(`${b.id} is preallocated from node ${t.nodeAffinity} but bound to node ${b.hostNodes}; libvirt always uses the memory's own nodes`);
      }
    }
    if (b?.hostNodes && (!b.policy || b.policy === "default")) notes.push(`${b.id}: host-nodes without a policy has no libvirt form`);
  }
  const unusedBackends = layout.backends.filter((b) => !used.includes(b) && b.id !== layout.machine?.memoryBackend);
  if (unusedBackends.length > 0) notes.push(`backends not used by a guest node (${unusedBackends.map((b) => b.id).join(", ")}) are devices' memory; describe them as <memory> devices`);
  if (layout.args.length > 0) {
    const sample = layout.args
      .slice(0, 3)
      .map((a) => a.tokens.join(" "))
      .join(", ");
    notes.push(`${layout.args.length} other option${layout.args.length > 1 ? "s" : ""} (${sample}${layout.args.length > 3 ? ", …" : ""}) are not exported; libvirt writes its own`);
  }

  // libvirt has its own console (<graphics>, <serial>, <console>) and always its own monitor socket
  if (layout.console) notes.push(`the console options (${consoleWords(layout.console).join(" ")}) are not exported; libvirt describes consoles as <graphics> and <serial> devices`);

  // <devices><hostdev>: libvirt's form of -device vfio-pci,host=ADDR (managed: libvirt detaches
  // the device from its host driver and binds it to vfio-pci)
  const devs = layout.hostDevices ?? [];
  if (devs.length > 0) {
    lines.push("<devices>");
    for (const d of devs) {
      const [domain, bus, rest] = d.host.split(":") as [string, string, string];
      const [slot, fn] = rest.split(".") as [string, string];
      lines.push("  <hostdev mode='subsystem' type='pci' managed='yes'>", `    <source><address domain='0x${domain}' bus='0x${bus}' slot='0x${slot}' function='0x${fn}'/></source>`, "  </hostdev>");
    }
    lines.push("</devices>");
    const placed = devs.filter((d) => d.guestNode !== undefined);
    if (placed.length > 0)
      notes.push(
        `the guest node of ${placed.map((d) => `${d.host} (node ${d.guestNode})`).join(", ")}: libvirt places a device on a guest node through a pcie-expander-bus controller with <target><node>, which this fragment does not add`,
      );
  }

  const header = [comment("libvirt domain XML fragment written by Numadesk: put these elements inside <domain type='kvm'>.")];
  for (const n of notes) header.push(comment(`not expressed: ${n}`));
  return { xml: [...header, ...lines].join("\n") + "\n", notes };
}
