// A guest node's host node(s) in the layout panel: the node its memory is bound to (choosing
// one binds it there only), and "also on" a further node, for a guest node whose memory spans
// two (host-nodes=0-1; shared/layout/node-span.ts). The select held one value, so a span could
// not be made here, and one made elsewhere showed as its first node.

import type { Backend } from "../../shared/layout/schema";
import { formatIdList, idList } from "../../shared/cpulist/cpulist";
import { useApp } from "./useApp";

export function HostNodesField({ index, backend: b, hostNodes }: { index: number; backend: Backend; hostNodes: number[] }) {
  const bind = useApp((s) => s.bind);
  const spanGuest = useApp((s) => s.spanGuest);
  const now = idList(b.hostNodes);
  const set = formatIdList(now);
  const others = hostNodes.filter((h) => !now.includes(h));
  return (
    <>
      <label>
        host node{now.length > 1 ? "s" : ""}
        <select aria-label={`host node of ${b.id}`} value={now.length > 1 ? set : (now[0] ?? "")} onChange={(e) => bind(b.id, Number(e.target.value))}>
          <option value="" disabled>
            –
          </option>
          {now.length > 1 ? (
            <option value={set} disabled>
              {set}
            </option>
          ) : null}
          {hostNodes.map((h) => (
            <option key={h} value={h}>
              {now.length > 1 ? `${h} only` : h}
            </option>
          ))}
        </select>
      </label>
      {now.length > 0 && others.length > 0 ? (
        <label title="bind its memory to a further host node too (host-nodes=0-1): its vCPU pins spread over both">
          also on
          <select aria-label={`also bind ${b.id} to host node`} value="" onChange={(e) => e.target.value !== "" && spanGuest(index, Number(e.target.value))}>
            <option value="">–</option>
            {others.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </>
  );
}
