// Which web permissions the app's page gets: copying to the clipboard (the command line's Copy
// button uses navigator.clipboard.writeText, which asks for "clipboard-sanitized-write"), and
// nothing else — no camera, microphone, notifications, reading the clipboard. Only our own
// page's main frame gets even that.

import { isTrustedUrl } from "./web-preferences";

const GRANTED = new Set(["clipboard-sanitized-write"]);

export interface PermissionAsk {
  permission: string;
  /** the URL of the frame that asks (Electron's details.requestingUrl) */
  requestingUrl: string | undefined;
  isMainFrame: boolean;
}

export function permissionAllowed(ask: PermissionAsk, rendererIndexUrl: string): boolean {
  return GRANTED.has(ask.permission) && ask.isMainFrame && isTrustedUrl(ask.requestingUrl, rendererIndexUrl);
}
