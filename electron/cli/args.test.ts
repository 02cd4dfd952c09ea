import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./args";

describe("option parsing", () => {
  it("a value that starts with '-' (--threads -1) gets a message that says what it saw and how to write it, not node's 'ambiguous'", () => {
    expect(() => parseCliArgs(["--threads", "-1"], { threads: { type: "string" } })).toThrow(
      "--threads needs a value, and '-1' after it starts with '-', so it reads as an option; if it is the value, write --threads=-1",
    );
    expect(parseCliArgs(["--threads=-1"], { threads: { type: "string" } }).values.threads).toBe("-1");
  });

  it("other mistakes keep node's own words, without its error-code prefix", () => {
    expect(() => parseCliArgs(["--nope"], { threads: { type: "string" } })).toThrow(/^Unknown option '--nope'/);
  });
});
