// The pin overlay's switch (in the canvas's tools) and its legend (under the canvas): what a
// band, a tag and a hatched PU mean, drawn with the same shapes and classes as the overlay.

import { useApp } from "../views/useApp";

export function PinToggle() {
  const on = useApp((s) => s.pinOverlay);
  const set = useApp((s) => s.setPinOverlay);
  return (
    <label className="inline" title="draw where each vCPU may run, and the CPUs reserved for the host">
      <input type="checkbox" checked={on} onChange={(e) => set(e.target.checked)} aria-label="show pins" /> pins
    </label>
  );
}

/** A PU cell as the canvas draws it, with what the overlay adds to it. */
function Sample({ children }: { children?: React.ReactNode }) {
  return (
    <svg width="24" height="20" viewBox="0 -1 24 24" aria-hidden="true">
      <rect x="1" y="0" width="22" height="17" rx="2" className="legend-pu" />
      {children}
    </svg>
  );
}

export function PinLegend() {
  const on = useApp((s) => s.pinOverlay);
  if (!on) return null;
  return (
    // "Pins:" in a column of its own and the items wrapping beside it: a wrapped item starts under the first, not under the label
    <div className="pin-legend small" aria-label="pin legend">
      <span className="legend-text">Pins:</span>
      <span className="pin-legend-items">
        <span className="pin-legend-item">
          <Sample>
            <path d="M1,13h22v4h-22z" className="pin-band legend-band" />
          </Sample>
          node-wide (a strip per guest node, its colour)
        </span>
        <span className="pin-legend-item">
          <Sample>
            <path d="M3,12.5h18v11h-18z" className="pin-mark legend-mark" />
          </Sample>
          one vCPU on this PU (its number; a dot when too small)
        </span>
        <span className="pin-legend-item">
          <Sample>
            <rect x="1" y="0" width="22" height="17" rx="2" fill="url(#pin-hatch)" className="pin-reserved" />
          </Sample>
          reserved for the host
        </span>
      </span>
      <span className="muted pin-legend-hint">Right-click a PU, or Tab to a node’s PUs and press R · drag vCPUs or a ⚙ chip onto a PU or a node’s cores</span>
    </div>
  );
}
