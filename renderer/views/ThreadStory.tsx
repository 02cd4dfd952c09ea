// The layout panel's line that says how the thread numbers on screen add up (threads/VM in the
// bar, the threads/backend chip, each backend's threads): shared/layout/thread-story.ts.

import { useApp } from "./useApp";
import { threadStory } from "../../shared/layout/thread-story";
import { onlineCpuCount } from "../../shared/topology/query";

export function ThreadStory() {
  const text = useApp((s) => threadStory(s.shown.layout, s.qemu?.version, s.shown.host ? onlineCpuCount(s.shown.host) : undefined));
  if (!text) return null;
  return (
    <p className="muted small thread-story" data-testid="thread-story">
      {text}
    </p>
  );
}
