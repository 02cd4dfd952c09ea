// The page is served from app://numadesk/, not file://: a custom protocol lets the CSP travel
// as a real response header (Electron does not apply onHeadersReceived to file:// pages), gives
// the page a proper origin, and lets the package turn off file:// extra privileges (fuses in
// package.json). Only files inside the built renderer folder are served.

import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { CONTENT_SECURITY_POLICY } from "./web-preferences";
import { CONTENT_TYPES } from "../files/content-types";

export const APP_SCHEME = "app";
export const APP_HOST = "numadesk";
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The file an app:// URL names inside `rendererDir`, or why there is none. */
export function resolveAppUrl(url: string, rendererDir: string): { file: string; type: string } | { status: 400 | 403 | 404 } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { status: 400 };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { status: 403 };
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return { status: 400 };
  }
  if (path.includes("\0")) return { status: 400 };
  const rel = normalize(path === "/" ? "/index.html" : path).replace(/^[/\\]+/, "");
  const file = join(rendererDir, rel);
  if (rel.startsWith("..") || !(file === rendererDir || file.startsWith(rendererDir.endsWith(sep) ? rendererDir : rendererDir + sep))) return { status: 403 };
  const type = CONTENT_TYPES[extname(file).toLowerCase()];
  return type ? { file, type } : { status: 404 };
}

/** The response for one app:// request: the file with the CSP header, or an empty error. */
export async function appResponse(url: string, rendererDir: string): Promise<Response> {
  const r = resolveAppUrl(url, rendererDir);
  if ("status" in r) return new Response(null, { status: r.status });
  try {
    const body = await readFile(r.file);
    return new Response(body, { headers: { "content-type": r.type, "content-security-policy": CONTENT_SECURITY_POLICY, "x-content-type-options": "nosniff" } });
  } catch {
    return new Response(null, { status: 404 });
  }
}
