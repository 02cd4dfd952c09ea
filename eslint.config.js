// ESLint for the whole repository: typescript-eslint's recommended rules, React's hooks rules
// for the renderer, and the arrows of the house (ARCHITECTURE.md) as import restrictions per
// folder. shared/architecture.test.ts checks the same arrows by reading the imports; this
// config makes the editor and `npm run lint` say it at the line.

import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { builtinModules } from "node:module";

// Node's modules by every name they go by: node:fs, fs, fs/promises
const nodeModules = ["node:*", ...builtinModules.filter((m) => !m.startsWith("_")).flatMap((m) => [m, `${m}/*`])];
const node = (why) => ({ group: nodeModules, message: why });
const onlyShellImportsElectron = { name: "electron", message: "only the Electron shell (electron/main/) imports electron (ARCHITECTURE.md)." };

// A relative import that climbs out of shared/: from a file N folders below shared/, N+1 "../"
// (shared/ has no deeper files than shared/a/b/c.ts; the architecture test checks any depth).
const outOfShared = [0, 1, 2, 3].map((depth) => ({
  files: [`shared/${"*/".repeat(depth)}*.{ts,tsx}`],
  ignores: ["shared/**/*.test.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: [onlyShellImportsElectron, { name: "react", message: "shared/ is pure: no React." }, { name: "react-dom", message: "shared/ is pure: no React." }],
        patterns: [
          node("shared/ is pure: no Node (the CLI, the UI and the exports all reuse it; the host side lives in electron/)."),
          { regex: `^(\\.\\./){${depth + 1},}`, message: "shared/ imports nothing outside shared/ (ARCHITECTURE.md)." },
          { group: ["react/*", "react-dom/*", "zustand", "zustand/*", "d3-*"], message: "shared/ is pure: no UI libraries." },
        ],
      },
    ],
  },
}));

// Globals that exist only in a browser or only in Node: shared/ uses neither.
const hostGlobals = [
  "window",
  "document",
  "navigator",
  "location",
  "localStorage",
  "sessionStorage",
  "fetch",
  "XMLHttpRequest",
  "EventSource",
  "HTMLElement",
  "Element",
  "process",
  "Buffer",
  "__dirname",
  "__filename",
  "require",
  "global",
  "setImmediate",
];

export default tseslint.config(
  { ignores: ["dist/**", "release/**", "test-results/**", "playwright-report/**", ".bench/**", "node_modules/**", "**/fixtures/**", "renderer/public/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `_`-prefixed names are kept on purpose (a handler's unused first argument)
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // the everywhere-else default: only electron/main/ imports electron
      "no-restricted-imports": ["error", { paths: [onlyShellImportsElectron] }],
    },
  },
  // code handed to page.evaluate reaches the page's test hooks (window.__numadesk, set in
  // renderer/main.tsx), which have no type on the Node side
  { files: ["e2e/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  // electron/main/ is the Electron shell: the only code that imports electron
  { files: ["electron/main/**/*.ts"], rules: { "no-restricted-imports": "off" } },
  // shared/: pure, no Node, no DOM, nothing from the other folders
  ...outOfShared,
  {
    files: ["shared/**/*.ts"],
    ignores: ["shared/**/*.test.ts"],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: { "no-restricted-globals": ["error", ...hostGlobals.map((name) => ({ name, message: "shared/ is pure: no browser or Node globals." }))] },
  },
  // renderer/: the page, reaching the host only through its API client
  {
    files: ["renderer/**/*.{ts,tsx}"],
    ignores: ["renderer/vite.config.ts", "renderer/**/*.test.ts"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "no-restricted-imports": [
        "error",
        {
          paths: [onlyShellImportsElectron],
          patterns: [
            node("renderer/ runs in the page: it reaches the host only through its API client (renderer/api/client.ts)."),
            { regex: "^(\\.\\./)+electron(/|$)", message: "renderer/ reaches the host only through its API client (renderer/api/client.ts), never electron/." },
          ],
        },
      ],
    },
  },
);
