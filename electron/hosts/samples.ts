// Bundled sample hosts (assets/hosts/*.json): topologies of machines people design for but
// are not sitting at, starting with the seed's OCI BM.Standard2.52.

import { topologyInconsistency } from "../../shared/topology/consistency";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { appRoot } from "../files/resources";
import { topologySchema, type HostTopology } from "../../shared/topology/schema";
import { jsonPath, MAX_LAYOUT_TEXT, parseJsonText } from "../../shared/layout/load";
import { readBoundedText } from "../files/read-bounded";

export class TopologyFileError extends Error {
  override name = "TopologyFileError";
}

/** assets/ of this checkout or install. */
export function assetsDir(): string {
  try {
    return join(appRoot(), "assets");
  } catch (e) {
    throw new TopologyFileError((e as Error).message);
  }
}

export function sampleNames(): string[] {
  return readdirSync(join(assetsDir(), "hosts"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function parseTopologyText(text: string, where: string): HostTopology {
  const parsed = parseJsonText(text, "topology file");
  if (!parsed.ok) throw new TopologyFileError(`${where}: ${parsed.diagnostics[0]!.message}`);
  const r = topologySchema.safeParse(parsed.value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new TopologyFileError(`${where}: ${jsonPath(issue.path)}: ${issue.message}`);
  }
  const t = r.data;
  if (t.distances.length !== t.nodes.length || t.distances.some((row) => row.length !== t.nodes.length)) {
    throw new TopologyFileError(`${where}: $.distances must be a ${t.nodes.length}×${t.nodes.length} matrix, one row and column per node`);
  }
  const wrong = topologyInconsistency(t);
  if (wrong) throw new TopologyFileError(`${where}: ${wrong}`);
  return t;
}

export function loadSample(name: string): HostTopology {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name) || !sampleNames().includes(name)) {
    throw new TopologyFileError(`there is no sample host '${name}'; samples: ${sampleNames().join(", ")}`);
  }
  const file = join(assetsDir(), "hosts", `${name}.json`);
  return parseTopologyText(readFileSync(file, "utf8"), file);
}

export function loadTopologyFile(path: string): HostTopology {
  let text: string;
  try {
    text = readBoundedText(path, MAX_LAYOUT_TEXT, { what: "topology file" });
  } catch (e) {
    throw new TopologyFileError((e as Error).message);
  }
  return parseTopologyText(text, path);
}
