// The guest's part of the canvas as one layer (guest boxes, their links, the pin overlay and the
// emulator/I/O-thread chips): the only part of the drawing that reads the layout's guest nodes, so an edit of them redraws this layer (and within it only the boxes
// and links that changed), never the host drawing's cores and PUs.

import { memo } from "react";
import { useApp } from "../views/useApp";
import type { HostTopology } from "../../shared/topology/schema";
import type { HostGeometry } from "../../shared/topology/box-geometry";
import { GuestLinks, GuestNodes } from "./GuestNodes";
import { guestGeometryOf } from "./guest-geometry-of";
import { PinLayer } from "./PinLayer";
import { ThreadChips } from "./ThreadChips";

export const GuestLayer = memo(function GuestLayer({ host, geometry, frame }: { host: HostTopology; geometry: HostGeometry; frame: React.RefObject<HTMLDivElement | null> }) {
  const layout = useApp((s) => s.layout);
  const guest = guestGeometryOf(layout, geometry);
  return (
    <>
      <GuestLinks host={host} geometry={geometry} guest={guest} />
      <GuestNodes host={host} geometry={geometry} guest={guest} layout={layout} frame={frame} />
      <PinLayer host={host} geometry={geometry} guest={guest} frame={frame} />
      <ThreadChips host={host} geometry={geometry} guest={guest} frame={frame} />
    </>
  );
});
