// A node card's PCI devices, a row each, and how a device is handed to the guest: the row's
// "attach" button (to the guest node whose memory is on this host node, else the first), a
// right-click or the context-menu key for a menu of guest nodes and "detach", Enter on a
// focused row. Each is one undoable edit (shared/layout/device-edits.ts); the attached list
// under the canvas (AttachedDevices.tsx) detaches and moves them.

import { useRef } from "react";
import type { CardGeo } from "../../shared/topology/box-geometry";
import { CARD_FONT, CARD_PAD, clipText, PCI_LINE, PCI_ROWS_MAX } from "../../shared/topology/box-geometry";
import type { PciDevice } from "../../shared/topology/schema";
import { pciDeviceLine, pciKind, pciModel, pciVendorShort } from "../../shared/topology/format-pci";
import { attachDevice, detachDevice, homeGuestNode } from "../../shared/layout/device-edits";
import { GuestMenu, type MenuItem } from "../canvas/GuestMenu";
import { useApp } from "./useApp";
import { useCanvasMenu } from "../canvas/use-canvas-menu";

/** the card's small text, as its memory legend (10 was about 8 px at a 0.8 fit) */
const FONT = CARD_FONT;
const BUTTON_W = 60;

const fit = (text: string, width: number) => clipText(text, width, FONT);

/** The row's first line, beside its button: "81:00.0 · Ethernet · Intel" (the vendor only when it fits whole). */
function rowHead(d: PciDevice, width: number): string {
  const head = `${d.address.replace(/^0000:/, "")} · ${pciKind(d)}`;
  const vendor = pciVendorShort(d);
  const withVendor = vendor ? `${head} · ${vendor}` : head;
  return fit(withVendor, width) === withVendor ? withVendor : fit(head, width);
}

/** The menu's title for a device: address, kind and model. */
const rowText = (d: PciDevice) => `${d.address.replace(/^0000:/, "")} ${pciKind(d)} · ${pciModel(d)}`;

/** Nothing for a card without devices: it then subscribes to nothing, so an edit (a drop on a 1024-PU host) does not draw it again. */
export function DeviceRows({ card }: { card: CardGeo }) {
  return card.pciY === undefined || !card.node.pci?.length ? null : <CardDevices card={card} />;
}

function CardDevices({ card }: { card: CardGeo }) {
  const pci = card.node.pci ?? [];
  const layout = useApp((s) => s.layout);
  const host = useApp((s) => s.host);
  const edit = useApp((s) => s.edit);
  const frame = useRef<HTMLDivElement | null>(null);
  const { menu, openMenu: openAt, closeMenu } = useCanvasMenu(frame);
  if (card.pciY === undefined || pci.length === 0 || !host) return null;
  const attached = new Map((layout.hostDevices ?? []).map((d) => [d.host, d]));
  const guestIds = layout.nodes.map((n, i) => n.nodeid ?? i);
  const attach = (d: PciDevice, guest?: number) => {
    const r = attachDevice(layout, host, d.address, guest);
    if (r.ok) edit(() => r.layout);
  };
  const itemsFor = (d: PciDevice): MenuItem[] => {
    const on = attached.get(d.address);
    const home = homeGuestNode(layout, d);
    const items: MenuItem[] = guestIds.map((g) => ({
      label: `attach to guest node ${g}${g === home ? " (its memory is on this node)" : ""}`,
      disabled: on !== undefined,
      run: () => attach(d, g),
    }));
    if (guestIds.length === 0) items.push({ label: "attach to the guest", disabled: on !== undefined, run: () => attach(d) });
    if (on) items.push({ label: `detach (now on guest node ${on.guestNode ?? "any"})`, run: () => edit((l) => detachDevice(l, d.address)) });
    return items;
  };
  const openMenu = (el: Element, at: { x: number; y: number }, title: string, items: MenuItem[]) => {
    frame.current = el.closest<HTMLDivElement>(".canvas-frame");
    openAt(at, title, items);
  };
  const below = (el: Element) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + 8, y: r.bottom + 2 };
  };
  const shown = pci.length > PCI_ROWS_MAX ? pci.slice(0, PCI_ROWS_MAX - 1) : pci;
  const rest = pci.slice(shown.length);
  const w = card.w - 2 * CARD_PAD;
  return (
    <g className="pci-line" data-devices={pci.map((d) => d.address).join(" ")}>
      {shown.map((d, k) => {
        const y = card.pciY! + k * PCI_LINE;
        const on = attached.get(d.address);
        const label = on ? `guest ${on.guestNode ?? "—"}` : "attach";
        return (
          <g
            key={d.address}
            className={`pci-row${on ? " attached" : ""}`}
            data-device={d.address}
            data-guest={on ? String(on.guestNode ?? "") : undefined}
            tabIndex={0}
            role="group"
            aria-label={`${pciDeviceLine(d)}${on ? `, attached to guest node ${on.guestNode}` : ""}. Enter attaches it; the menu key lists guest nodes and detach`}
            onContextMenu={(e) => {
              e.preventDefault();
              openMenu(e.currentTarget, { x: e.clientX, y: e.clientY }, rowText(d), itemsFor(d));
            }}
            onKeyDown={(e) => {
              if (e.target !== e.currentTarget) return;
              if (e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey) || (e.key === "Enter" && on)) {
                e.preventDefault();
                openMenu(e.currentTarget, below(e.currentTarget), rowText(d), itemsFor(d));
              } else if (e.key === "Enter" || e.key === " ") {
                e.preventDefault();
                attach(d);
              }
            }}
          >
            <title>{pciDeviceLine(d)}</title>
            <rect className="pci-row-bg" x={CARD_PAD - 2} y={y + 1} width={w + 4} height={PCI_LINE - 2} rx={3} />
            <text className="pci-head" x={CARD_PAD} y={y + 13} style={{ fontSize: FONT }}>
              {rowHead(d, w - BUTTON_W - 6)}
            </text>
            {/* the model on a line of its own, the card's whole width: "Tesla M2075", "I350 Gigabit Network Connection" */}
            <text className="pci-model" x={CARD_PAD} y={y + 28} style={{ fontSize: FONT }}>
              {fit(pciModel(d), w)}
            </text>
            <g
              className="pci-attach"
              role="button"
              aria-label={on ? `attached to guest node ${on.guestNode}: detach from the list under the canvas or the menu` : `attach ${d.address} to the guest`}
              aria-pressed={on !== undefined}
              onClick={(e) => {
                if (on) openMenu(e.currentTarget, below(e.currentTarget), rowText(d), itemsFor(d));
                else attach(d);
              }}
            >
              <rect x={CARD_PAD + w - BUTTON_W} y={y + 2} width={BUTTON_W} height={16} rx={7} />
              <text x={CARD_PAD + w - BUTTON_W / 2} y={y + 14} textAnchor="middle" style={{ fontSize: FONT }}>
                {label}
              </text>
            </g>
          </g>
        );
      })}
      {rest.length > 0 ? (
        <text
          className="pci-more"
          x={CARD_PAD}
          y={card.pciY + shown.length * PCI_LINE + 13}
          tabIndex={0}
          style={{ fontSize: FONT, fill: "var(--muted)" }}
          onClick={(e) =>
            openMenu(
              e.currentTarget,
              below(e.currentTarget),
              `${rest.length} more devices`,
              rest.map((d) => ({ label: `attach ${rowText(d)}`, disabled: attached.has(d.address), run: () => attach(d) })),
            )
          }
        >
          +{rest.length} more devices (click to attach)
        </text>
      ) : null}
      {menu ? <GuestMenu frame={frame} x={menu.x} y={menu.y} title={menu.title} items={menu.items} onClose={closeMenu} /> : null}
    </g>
  );
}
