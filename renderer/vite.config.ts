import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

// The renderer builds to dist/renderer; relative asset paths so Electron can load it from a file.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: {
    outDir: fileURLToPath(new URL("../dist/renderer", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
});
