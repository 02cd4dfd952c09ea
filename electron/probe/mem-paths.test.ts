// What this host's file system says of a mem-path, read from real paths.

import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memPathFact } from "./mem-paths";

describe("mem-path facts", () => {
  it("tells a folder, a file, a path its folder can hold and one whose folder is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "numadesk-mempath-"));
    try {
      writeFileSync(join(dir, "f"), "x");
      expect(memPathFact(dir)).toBe("dir");
      expect(memPathFact(join(dir, "f"))).toBe("file");
      expect(memPathFact(join(dir, "new"))).toBe("creatable");
      expect(memPathFact(join(dir, "no", "such"))).toBe("missing");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
