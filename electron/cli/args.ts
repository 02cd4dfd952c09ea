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
    throw new UsageError((e as Error).message.replace(/^TypeError \[\w+\]: /, ""));
  }
  if (r.positionals.length > positionals) throw new UsageError(`unexpected argument '${r.positionals[positionals]}'`);
  return { values: r.values as Values, positionals: r.positionals };
}
