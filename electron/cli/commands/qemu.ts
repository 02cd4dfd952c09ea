// `numadesk qemu list|add PATH|remove PATH|fetch`: the QEMU binaries Numadesk knows, with what
// each can do; `fetch` unpacks QEMU 10 from bookworm-backports into the cache.

import type { Io } from "./design";
import { parseCliArgs } from "../args";
import { EXIT_OK, InputError, UsageError } from "../errors";
import { addQemu, describeQemu, listQemus, QemuConfigError, qemuConfigFile, removeQemu } from "../../qemu/registry";
import { QemuNotFound } from "../../qemu/discover";
import { BackportsError, ensureBackportsQemu } from "../../qemu/backports";
import { prettyJson } from "../../../shared/json/pretty";

export async function qemuCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: "boolean" } }, 2);
  const [sub = "list", path] = positionals;
  try {
    switch (sub) {
      case "list": {
        if (path !== undefined) throw new UsageError(`qemu list takes no path ('${path}')`);
        const all = await listQemus();
        if (values.json) io.out(prettyJson(all.map((q) => ({ path: q.path, source: q.source, ...(q.info ? { qemu: q.info } : { error: q.error }) }))) + "\n");
        else if (all.length === 0) io.out("no QEMU found (apt-get install qemu-system-x86, or numadesk qemu add PATH)\n");
        else io.out(all.map(describeQemu).join("\n") + "\n");
        return EXIT_OK;
      }
      case "add": {
        if (path === undefined) throw new UsageError("qemu add needs the path of a qemu-system-x86_64");
        const info = await addQemu(path);
        io.out(`added ${path}: QEMU ${info.version} (kept in ${qemuConfigFile()})\n`);
        return EXIT_OK;
      }
      case "remove": {
        if (path === undefined) throw new UsageError("qemu remove needs the path that was added");
        if (!removeQemu(path))
          throw new InputError(`${path} is not among the added binaries (${qemuConfigFile()}); binaries found on PATH, /usr/bin, /usr/local/bin or /opt are listed whenever they are there`);
        io.out(`removed ${path}\n`);
        return EXIT_OK;
      }
      case "fetch": {
        const q = await ensureBackportsQemu((m) => io.err(`${m}\n`));
        io.out(`${q.binary} (Debian ${q.packageVersion}; runs with -L ${q.dataDir})\n`);
        return EXIT_OK;
      }
      default:
        throw new UsageError(`unknown qemu subcommand '${sub}' (list, add PATH, remove PATH, fetch)`);
    }
  } catch (e) {
    if (e instanceof QemuNotFound || e instanceof QemuConfigError || e instanceof BackportsError) throw new InputError(e.message);
    throw e;
  }
}
