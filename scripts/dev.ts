// `npm run dev`: the renderer with hot reload, in browser mode. The real backend (the same API
// table, the real host) serves on a private port; Vite serves the renderer from source and
// passes /api to it. Edit a view and the page updates in place; edit the backend and restart.
// Where Electron has a binary and a display, `npm start` opens the built app instead.

import { createServer } from "vite";
import { join } from "node:path";
import { createBackend } from "../electron/backend/backend";
import { serve } from "../electron/server/server";

const root = join(import.meta.dirname, "..");
const backend = createBackend();
const api = await serve({ backend, staticDir: join(root, "renderer"), port: 0 });
const target = `http://127.0.0.1:${api.port}`;

const vite = await createServer({
  configFile: join(root, "renderer/vite.config.ts"),
  server: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5173),
    strictPort: false,
    proxy: {
      // API calls are /api/<method> (no file extension): the renderer's own source has an api/
      // folder too. The backend refuses a foreign Origin (a web page's); this proxy is the page's own origin.
      "^/api/[A-Za-z]+(\\?.*)?$": { target, changeOrigin: true, configure: (proxy) => proxy.on("proxyReq", (req) => req.removeHeader("origin")) },
    },
  },
});
await vite.listen();
const address = vite.httpServer?.address();
const port = typeof address === "object" && address ? address.port : 5173;
process.stdout.write(`Numadesk (dev, hot reload) on http://127.0.0.1:${port}/?token=${api.token}\nCtrl-C stops it\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await vite.close();
  await backend.close();
  await api.close();
  process.exit(0);
};
// Vite ends the process on SIGTERM itself (exit 143) before the backend could cancel a run
// going; take the signals over and stop both, in order.
process.removeAllListeners("SIGTERM");
process.removeAllListeners("SIGINT");
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
