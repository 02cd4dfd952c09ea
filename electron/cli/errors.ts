// Exit codes of the numadesk CLI: 0 fine, 1 the input has errors, 2 usage.

export class UsageError extends Error {
  override name = "UsageError";
}

/** A problem with the user's input (file, topology, layout): one clear line, exit 1. */
export class InputError extends Error {
  override name = "InputError";
}

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
