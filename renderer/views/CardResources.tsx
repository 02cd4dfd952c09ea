// What a node card shows of the host's resources besides CPUs and memory: its L3 groups as
// frames around the cores that share each (an AMD CCX/CCD, an Intel SNC cluster), and the PCI
// devices whose slot is on the node (a row each, DeviceRows.tsx). Devices whose node the firmware does not say
// (numa_node -1) are listed under the canvas as on an "unknown node". Geometry comes from
// shared/topology/box-geometry.ts; this only draws it.

import { memo } from "react";
import { L3_FONT, type CardGeo } from "../../shared/topology/box-geometry";
import type { MachineBox } from "../../shared/topology/boxes";
import { pciDeviceLine } from "../../shared/topology/format-pci";
import { DeviceRows } from "./DeviceRows";

export const CardResources = memo(function CardResources({ card }: { card: CardGeo }) {
  return (
    <g className="card-resources">
      {card.l3.map((f, i) => (
        <g key={i} className="l3-group" data-l3={i}>
          <rect x={f.x} y={f.y} width={f.w} height={f.h} rx={4} style={{ fill: "none", stroke: "var(--group-line)", strokeDasharray: "3 2" }}>
            <title>{f.title}</title>
          </rect>
          <text x={f.x + 3} y={f.y + 11} style={{ fill: "var(--muted)", fontSize: L3_FONT }}>
            {f.label}
          </text>
        </g>
      ))}
      <DeviceRows card={card} />
    </g>
  );
});

/** Devices on no known node, listed under the canvas. */
export function UnplacedDevices({ machine }: { machine: MachineBox }) {
  const list = machine.unplacedPci ?? [];
  if (list.length === 0) return null;
  return (
    <details className="muted small unplaced-pci">
      <summary>
        {list.length} PCI device{list.length === 1 ? "" : "s"} on an unknown node (the firmware gives numa_node -1)
      </summary>
      <ul>
        {list.map((d) => (
          <li key={d.address}>{pciDeviceLine(d)}</li>
        ))}
      </ul>
    </details>
  );
}
