import { describe, expect, it } from "vitest";
import { consoleConflict, withConsole } from "./guest-console";
import { parseCommandLine } from "../qemu/parse";
import { generateArgs } from "../qemu/generate";
import { runLayout } from "../run/allow";

describe("the console in the layout", () => {
  it("an edit keeps an imported option at its place and drops the place of a removed one", () => {
    const { layout } = parseCommandLine("qemu-system-x86_64 -name debug-threads=on -nographic -monitor stdio -m 1G");
    const display = withConsole(layout.console, { display: "none" });
    expect(display).toEqual({ display: "none", monitor: "stdio", at: { display: 2, monitor: 3 } });
    expect(generateArgs({ ...layout, console: display })).toEqual(["-name", "debug-threads=on", "-display", "none", "-monitor", "stdio", "-m", "1G"]);
    const noMonitor = withConsole(display, { monitor: undefined });
    expect(noMonitor).toEqual({ display: "none", at: { display: 2 } });
    expect(withConsole(noMonitor, { display: undefined })).toBeUndefined();
  });

  it("a new layout's console goes after -name and -machine, before -m", () => {
    const { layout } = parseCommandLine("qemu-system-x86_64 -name debug-threads=on -machine q35 -m 1G");
    layout.console = withConsole(undefined, { display: "nographic" });
    layout.console = withConsole(layout.console, { monitor: "stdio" });
    expect(generateArgs(layout)).toEqual(["-name", "debug-threads=on", "-machine", "q35", "-nographic", "-monitor", "stdio", "-m", "1G"]);
  });

  it("says when -nographic and -monitor stdio both want stdio, unless -nodefaults or -serial takes the serial port away", () => {
    expect(consoleConflict({ display: "nographic", monitor: "stdio" }, [])).toMatch(/stdio/);
    expect(consoleConflict({ display: "nographic", monitor: "stdio" }, ["-nodefaults"])).toBeUndefined();
    expect(consoleConflict({ display: "nographic", monitor: "stdio" }, ["-serial", "none"])).toBeUndefined();
    expect(consoleConflict({ display: "none", monitor: "stdio" }, [])).toBeUndefined();
    expect(consoleConflict({ display: "nographic" }, [])).toBeUndefined();
  });

  it("a run leaves the console out and says so", () => {
    const { layout } = parseCommandLine("qemu-system-x86_64 -nographic -monitor stdio -m 128M");
    const r = runLayout(layout);
    expect(r.layout.console).toBeUndefined();
    expect(r.dropped).toEqual([expect.stringMatching(/^-nographic \(a run has no console/), expect.stringMatching(/^-monitor stdio \(a run has no console/)]);
  });
});
