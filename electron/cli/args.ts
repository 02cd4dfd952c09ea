// Option parsing for every command: node's parseArgs, strict, with usage errors as UsageError.

import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export function parseCliArgs(args: string[], options: OptionsConfig, positionals = 0): { values: Values; positionals: string[] } {
  let r;
  try {
    r = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.replace(/^TypeError \[\w+\]: /, "");
    // node's "Option '--threads' argument is ambiguous. Did you forget …" for `--threads -1`: say what it saw
    const ambiguous = /^Option '(-[-\w]+)' argument is ambiguous/.exec(message);
    if (ambiguous) {
      const option = ambiguous[1]!;
      const value = args[args.indexOf(option) + 1] ?? "";
      throw new UsageError(`${option} needs a value, and '${value}' after it starts with '-', so it reads as an option; if it is the value, write ${option}=${value}`);
    }
    throw new UsageError(message);
  }
  if (r.positionals.length > positionals) throw new UsageError(`unexpected argument '${r.positionals[positionals]}'`);
  return { values: r.values as Values, positionals: r.positionals };
}
