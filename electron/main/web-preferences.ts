// The renderer window's security settings, in one place so a test can check them without an
// Electron binary (Electron's security checklist: docs/electron-security.md).

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  enableBlinkFeatures: undefined,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

/** Sent as a header with every app:// response; renderer/index.html's meta tag says the same, less frame-ancestors (which a meta tag cannot carry). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

/** Only our own page may call the API: the index page of the app:// origin (app-protocol.ts). */
export function isTrustedUrl(url: string | undefined, rendererIndexUrl: string): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    const base = new URL(rendererIndexUrl);
    return u.protocol === "app:" && base.protocol === "app:" && u.host === base.host && u.pathname === base.pathname;
  } catch {
    return false;
  }
}
