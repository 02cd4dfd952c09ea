// Recently opened and saved layouts, kept in the browser's storage (the page cannot keep file
// paths): name, time and content, the newest first.

const KEY = "numadesk.recent";
const MAX_ENTRIES = 8;
const MAX_TEXT = 512 * 1024;

export interface RecentLayout {
  name: string;
  at: string;
  text: string;
}

export function recentLayouts(): RecentLayout[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? "[]") as unknown;
    return Array.isArray(v) ? v.filter((x): x is RecentLayout => typeof x?.name === "string" && typeof x?.text === "string") : [];
  } catch {
    return [];
  }
}

export function rememberLayout(name: string, text: string): void {
  if (text.length > MAX_TEXT) return;
  const list = [{ name, at: new Date().toISOString(), text }, ...recentLayouts().filter((r) => r.name !== name)].slice(0, MAX_ENTRIES);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    /* storage full: recent files are a convenience */
  }
}
