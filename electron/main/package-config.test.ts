// The electron-builder configuration in package.json, checked without building a package (no
// Electron zip can be downloaded here): the fields its deb target stops without, the runtime
// libraries Electron needs kept beside our own dependencies, and every file the code hands to
// another program shipped and unpacked from app.asar.

import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { createRequire } from "node:module";
import { resourcePath, unpackedPath } from "../files/resources";

const root = join(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  homepage?: string;
  files: string[];
  build: { files: string[]; asarUnpack: string[]; deb: { depends: string[] }; linux: { maintainer?: string; icon?: string } };
};

/** The globs package.json uses: exact paths, and folders with /** or /**\/*. */
function matches(patterns: string[], path: string): boolean {
  return patterns.some((p) => p === path || ((p.endsWith("/**") || p.endsWith("/**/*")) && path.startsWith(p.slice(0, p.indexOf("/**") + 1))) || (!p.includes("*") && path.startsWith(`${p}/`)));
}

// Files the code resolves with resourcePath() and gives to cc or packs into the lab's initramfs.
const HANDED_TO_TOOLS = ["electron/bench/populate.c", "electron/lab/labsampler.c", "electron/lab/init.sh"];

// electron-builder's own steps before it builds anything (app-builder-lib's packager runs
// these): the configuration resolved from package.json, checked against its JSON schema, and
// the package metadata checks
const builderRequire = createRequire(join(root, "node_modules/app-builder-lib/package.json"));
type BuilderConfig = Record<string, unknown>;
const { getConfig, validateConfiguration } = builderRequire("./out/util/config/config.js") as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
};
const { checkMetadata } = builderRequire("./out/util/packageMetadata.js") as { checkMetadata(metadata: unknown, devMetadata: unknown, appFile: string, devFile: string): void };
const { DebugLogger } = builderRequire("builder-util") as { DebugLogger: new (enabled: boolean) => unknown };

describe("the package configuration", () => {
  it("is what electron-builder accepts: its schema and its package metadata checks; a misspelt key is refused", async () => {
    const config = await getConfig(root, null, null);
    expect(config).toMatchObject({ appId: "dev.numadesk.app", electronFuses: { runAsNode: false } });
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(() => checkMetadata(pkg, pkg, join(root, "package.json"), join(root, "package.json"))).not.toThrow();
    await expect(validateConfiguration({ ...config, electronFuse: config.electronFuses }, new DebugLogger(false))).rejects.toThrow(/does not match the API schema/);
    await expect(validateConfiguration({ ...config, deb: { ...(config.deb as object), depend: [] } }, new DebugLogger(false))).rejects.toThrow(/does not match the API schema/);
  });

  it("has what electron-builder's deb target needs: a homepage URL and a maintainer", () => {
    expect(() => new URL(pkg.homepage ?? "")).not.toThrow();
    expect(pkg.build.linux.maintainer).toBeTruthy();
  });

  it("has an icon folder with the PNG sizes a Linux desktop asks for, made from the SVG", () => {
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(existsSync(join(root, pkg.build.linux.icon ?? "-", `${size}x${size}.png`)), `${size}`).toBe(true);
    expect(readFileSync(join(root, "renderer/public/icon.svg"), "utf8")).toBe(readFileSync(join(root, "assets/icons/numadesk.svg"), "utf8"));
  });

  it("adds QEMU and numactl to Electron's own runtime libraries instead of replacing them", () => {
    const fpm = readFileSync(join(root, "node_modules/app-builder-lib/out/targets/FpmTarget.js"), "utf8");
    const defaults = JSON.parse(/case "deb":\s*return (\[[^\]]*\])/.exec(fpm)![1]!) as string[];
    expect(defaults.length).toBeGreaterThan(5);
    expect(pkg.build.deb.depends).toEqual(expect.arrayContaining([...defaults, "qemu-system-x86", "numactl"]));
  });

  it.each(HANDED_TO_TOOLS)("%s exists, is packed, unpacked from app.asar and in the npm package", (file) => {
    expect(existsSync(join(root, file))).toBe(true);
    expect(matches(pkg.build.files, file), "build.files").toBe(true);
    expect(matches(pkg.build.asarUnpack, file), "build.asarUnpack").toBe(true);
    expect(matches(pkg.files, file), "files").toBe(true);
  });

  it("resolves those files from the app's root, outside app.asar when packaged", () => {
    expect(resourcePath("electron/bench/populate.c")).toBe(join(root, "electron/bench/populate.c"));
    const packed = `${sep}opt${sep}Numadesk${sep}resources${sep}app.asar${sep}electron${sep}lab${sep}labsampler.c`;
    expect(unpackedPath(packed)).toBe(`${sep}opt${sep}Numadesk${sep}resources${sep}app.asar.unpacked${sep}electron${sep}lab${sep}labsampler.c`);
    expect(unpackedPath(join(root, "x"))).toBe(join(root, "x"));
  });
});
