// The steps a lab run goes through before its guest boots, in order. The host side reports
// each as it starts (electron/lab/), the app draws them as one progress line: a first lab
// run downloads a kernel, compiles the sampler and packs an initramfs, which takes a while.

export const LAB_PREP_STEPS = ["check", "kernel", "busybox", "sampler", "initramfs", "accel", "boot"] as const;
export type LabPrepStep = (typeof LAB_PREP_STEPS)[number];

/** Where a lab run is: the step it started, its words for it, and how far along that puts it. */
export interface LabProgress {
  step: LabPrepStep;
  text: string;
  /** 1-based position of the step in LAB_PREP_STEPS */
  stepIndex: number;
  steps: number;
  /** the whole of what `text` sums up in one line (QEMU's words when KVM failed), for a tooltip */
  detail?: string;
}

export function labProgress(step: LabPrepStep, text: string, detail?: string): LabProgress {
  return { step, text, stepIndex: LAB_PREP_STEPS.indexOf(step) + 1, steps: LAB_PREP_STEPS.length, ...(detail ? { detail } : {}) };
}
