// The house's arrows as ESLint says them (eslint.config.js), run through ESLint's Node API on
// the repository's own config: a file that breaks an arrow gets an error at its import, and
// one that keeps to its folder's rules gets none. architecture.test.ts checks the tree itself.

import { afterAll, describe, expect, it } from "vitest";
import { ESLint } from "eslint";
import { rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { randomBytes } from "node:crypto";

const root = join(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: root });

/** The messages of the import and global restrictions for `code` as if it were at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-globals").map((m) => `${m.line}: ${m.message}`);
}

describe("ESLint encodes the arrows that must never be", () => {
  const temporary = join(root, "shared", `lint-probe-${randomBytes(4).toString("hex")}.ts`);
  afterAll(() => rmSync(temporary, { force: true }));

  it("a file under shared/ that imports node:fs is an error at its import", async () => {
    writeFileSync(temporary, 'import { readFileSync } from "node:fs";\n\nexport const text = () => readFileSync("/etc/hostname", "utf8");\n');
    const [result] = await eslint.lintFiles([relative(root, temporary)]);
    rmSync(temporary, { force: true });
    const errors = result!.messages.filter((m) => m.severity === 2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ ruleId: "no-restricted-imports", line: 1 });
    expect(errors[0]!.message).toMatch(/'node:fs' import is restricted.*shared\/ is pure: no Node/);
  });

  it.each([
    ["shared/size/x.ts", 'import { join } from "path";'],
    ["shared/size/x.ts", 'import { readFile } from "fs/promises";'],
    ["shared/x.ts", 'import { app } from "electron";'],
    ["shared/size/x.ts", 'import { readSysfs } from "../../electron/probe/sysfs";'],
    ["shared/qemu/x.ts", 'import { createClient } from "../../renderer/api/client";'],
    ["shared/validate/rules/x.ts", 'import { foo } from "../../../bench/run";'],
    ["shared/x.ts", 'import { useState } from "react";'],
    ["shared/x.ts", "export const here = () => window.location.href;"],
    ["shared/x.ts", "export const cwd = () => process.cwd();"],
    ["renderer/views/X.tsx", 'import { readSysfs } from "../../electron/probe/sysfs";'],
    ["renderer/store/x.ts", 'import { join } from "node:path";'],
    ["renderer/x.ts", 'import { ipcRenderer } from "electron";'],
    ["electron/run/x.ts", 'import { app } from "electron";'],
    ["scripts/x.ts", 'import { app } from "electron";'],
  ])("%s: %s is refused", async (file, code) => {
    expect(await boundaryErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ["shared/size/x.ts", 'import { parseSize } from "./size";\nimport { z } from "zod";\nimport { parseCpulist } from "../cpulist/cpulist";'],
    ["shared/validate/rules/x.ts", 'import { emit } from "../emit";\nimport { MiB } from "../../size/size";'],
    ["shared/size/x.test.ts", 'import { readFileSync } from "node:fs";'],
    ["renderer/views/X.tsx", 'import { createClient } from "../api/client";\nimport { parseSize } from "../../shared/size/size";\nexport const here = () => window.location.href;'],
    ["renderer/store/x.test.ts", 'import { createBackend } from "../../electron/backend/backend";'],
    ["electron/main/x.ts", 'import { app } from "electron";\nimport { join } from "node:path";'],
    ["electron/run/x.ts", 'import { readFileSync } from "node:fs";\nimport { parseSize } from "../../shared/size/size";'],
  ])("%s: what its folder may import passes", async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
