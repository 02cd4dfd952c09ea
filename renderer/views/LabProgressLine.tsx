// A lab run's preparation as one line while it goes: the step (of shared/lab/prepare-steps.ts),
// a bar of the steps done, and what the host side is doing (downloading a kernel, compiling).
// A line that sums something up (why KVM did not boot) has the whole of it in its tooltip.

import type { LabProgress } from "../../shared/lab/prepare-steps";

export function LabProgressLine({ progress }: { progress: LabProgress }) {
  return (
    <p className="lab-progress muted" data-testid="lab-progress" data-step={progress.step}>
      <progress value={progress.stepIndex - 1} max={progress.steps} aria-label={`lab preparation: step ${progress.stepIndex} of ${progress.steps}`} />{" "}
      <span title={progress.detail} data-detail={progress.detail ? "" : undefined}>
        {progress.stepIndex}/{progress.steps} · {progress.text}
      </span>
    </p>
  );
}
