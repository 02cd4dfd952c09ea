// One colour meaning across the app: a host node's colour, everywhere (canvas cards, chips,
// plot bands and marks); a backend takes the colour of the host node it is bound to. Colours
// people with the common colour-vision deficiencies can tell apart (Okabe & Ito, with their
// vermilion taken out: red means "off its node" or "over-committed" and nothing else).

import type { Backend } from "../../shared/layout/schema";
import type { HostTopology } from "../../shared/topology/schema";
import { backendNodes } from "../../shared/layout/node-memory";

export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#882255", "#7A6A4F"];

/** Neutral for a backend bound nowhere (or to several nodes): no node's colour. */
export const UNBOUND = "#8C8C96";

export function nodeColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** Text colour that reads on a node colour. */
export function inkOn(color: string): string {
  return color === "#F0E442" || color === "#E69F00" || color === "#56B4E9" ? "#1d1d1f" : "#ffffff";
}

/** The colour of a set of host nodes (by OS number): the node's own when it is exactly one node of the host, else grey. */
export function nodesColor(host: HostTopology | undefined, nodes: readonly number[]): string {
  if (!host || nodes.length !== 1) return UNBOUND;
  const i = host.nodes.findIndex((n) => n.id === nodes[0]);
  return i < 0 ? UNBOUND : nodeColor(i);
}

/** A backend's colour: its host node's when it is bound to exactly one node. */
export function backendColor(host: HostTopology | undefined, b: Backend): string {
  return nodesColor(host, backendNodes(b));
}

export const OFF_NODE = "#D55E00";

/** Bars of the run comparison: one neutral colour, since a run is not a node. */
export const RUN_BAR = "#5F6B7A";
