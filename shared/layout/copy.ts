// A deep copy of plain data (objects, arrays, strings, numbers, booleans, null), as a layout is
// once its schema has read it. An edit copies the whole layout before it changes it: this is
// about five times faster than structuredClone (which serialises through the structured-clone
// format), and a drop on the canvas makes one (npm run bench -- ui).

/** A deep copy of plain data. Anything else (a Map, a Date, a class instance) is not layout data and is refused. */
export function copyData<T>(value: T): T {
  return copy(value, 0) as T;
}

/** a layout nests about five deep; deeper is not layout data */
const MAX_DEPTH = 32;

function copy(value: unknown, depth: number): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (depth > MAX_DEPTH) throw new Error("copyData: nested deeper than a layout is");
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], depth + 1);
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new Error("copyData: not plain data");
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = copy((value as Record<string, unknown>)[key], depth + 1);
    // a key "__proto__" (JSON.parse makes it an own property) stays a property, not the copy's prototype
    if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}
