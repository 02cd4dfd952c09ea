// Writes schema/layout.schema.json from the layout's zod schema (the single source).
//   npx tsx scripts/write-schema.ts
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { layoutSchema } from "../shared/layout/schema";
import { prettyJson } from "../shared/json/pretty";

const schema = {
  ...z.toJSONSchema(layoutSchema, { io: "input", unrepresentable: "any" }),
  $id: "https://numadesk.invalid/schema/layout.schema.json",
  title: "Numadesk VM layout (*.numadesk.json)",
};
writeFileSync(join(import.meta.dirname, "../schema/layout.schema.json"), prettyJson(schema) + "\n");
