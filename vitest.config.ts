import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["shared/**/*.test.ts", "electron/**/*.test.ts", "renderer/**/*.test.ts", "e2e/**/*.e2e.ts"],
    testTimeout: 60_000,
    // Test files that launch QEMU check that no QEMU of theirs is left running; run files one
    // at a time so they never see each other's processes (and never compete for memory).
    fileParallelism: false,
    reporters: ["default"],
  },
});
