// The host devices the layout passes through (layout.hostDevices), listed under the canvas:
// each with its host node, the guest node it belongs to (a select moves it) and "detach".
// Attaching is on the node cards (DeviceRows.tsx); every change is one undoable edit.

import { detachDevice, moveDevice } from "../../shared/layout/device-edits";
import { pciDeviceLine } from "../../shared/topology/format-pci";
import { useApp } from "./useApp";

export function AttachedDevices() {
  const devices = useApp((s) => s.layout.hostDevices);
  // the guest node ids as one string: a drop that rebinds a backend leaves it equal
  const ids = useApp((s) => s.layout.nodes.map((n, i) => n.nodeid ?? i).join(","));
  const host = useApp((s) => s.host);
  const edit = useApp((s) => s.edit);
  if (!devices || devices.length === 0) return null;
  const guestIds = ids === "" ? [] : ids.split(",").map(Number);
  return (
    <section className="attached-devices" aria-label="devices passed through">
      <h3>
        Passed through to the guest ({devices.length}) <span className="muted small">-device vfio-pci; a run on this host leaves them out</span>
      </h3>
      <ul>
        {devices.map((d) => {
          const dev = host?.pciDevices?.find((x) => x.address === d.host);
          return (
            <li key={d.host} data-device={d.host}>
              <span className="attached-name" title={dev ? pciDeviceLine(dev) : undefined}>
                <code>{d.host}</code> {dev ? `${dev.className ?? "device"}${dev.deviceName ? ` · ${dev.deviceName}` : ""}` : "(not on this host)"}
              </span>
              <span className="muted small">{dev ? (dev.numaNode >= 0 ? `host node ${dev.numaNode}` : "unknown node") : ""}</span>
              <label className="small">
                guest node{" "}
                <select
                  value={d.guestNode === undefined ? "" : String(d.guestNode)}
                  onChange={(e) => {
                    if (e.target.value !== "") edit((l) => moveDevice(l, d.host, Number(e.target.value)));
                  }}
                >
                  {d.guestNode === undefined ? <option value="">any</option> : null}
                  {guestIds.map((g) => (
                    <option key={g} value={String(g)}>
                      {g}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className="detach" onClick={() => edit((l) => detachDevice(l, d.host))} aria-label={`detach ${d.host}`}>
                detach
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
