// A small XML reader for machine-written documents (hwloc's lstopo XML, libvirt's
// capabilities): elements, attributes, text, the five predefined entities. No DTDs, no
// namespaces. Bounded in size and depth so a hostile file cannot hang or blow the stack.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export type XmlResult = { ok: true; root: XmlElement } | { ok: false; error: string };

export const MAX_XML_TEXT = 32 * 1024 * 1024;
const MAX_DEPTH = 256;

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
function xmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** Text with its references resolved; a reference to no XML character (&#0;, &#x110000;) becomes U+FFFD. */
function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (!e.startsWith("#")) return ENTITIES[e]!;
    const code = e.startsWith("#x") ? parseInt(e.slice(2), 16) : Number(e.slice(1));
    return xmlChar(code) ? String.fromCodePoint(code) : "\uFFFD";
  });
}

const ATTR_RE = /([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

export function parseXml(text: string): XmlResult {
  if (text.length > MAX_XML_TEXT) return { ok: false, error: `the XML is ${text.length} bytes, more than Numadesk reads` };
  const stack: XmlElement[] = [{ name: "#document", attrs: {}, children: [], text: "" }];
  let i = 0;
  const line = (at: number) => text.slice(0, at).split("\n").length;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt < 0) {
      stack[stack.length - 1]!.text += decode(text.slice(i));
      break;
    }
    if (lt > i) stack[stack.length - 1]!.text += decode(text.slice(i, lt));
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt + 4);
      if (end < 0) return { ok: false, error: `a comment at line ${line(lt)} is never closed` };
      i = end + 3;
      continue;
    }
    if (text.startsWith("<?", lt) || text.startsWith("<!", lt)) {
      const end = text.indexOf(">", lt);
      if (end < 0) return { ok: false, error: `a declaration at line ${line(lt)} is never closed` };
      i = end + 1;
      continue;
    }
    const gt = text.indexOf(">", lt);
    if (gt < 0) return { ok: false, error: `a tag at line ${line(lt)} is never closed` };
    const body = text.slice(lt + 1, gt);
    i = gt + 1;
    if (body.startsWith("/")) {
      const name = body.slice(1).trim();
      const top = stack.pop();
      if (!top || top.name !== name || stack.length === 0) return { ok: false, error: `</${name}> at line ${line(lt)} closes ${top ? `<${top.name}>` : "nothing"}` };
      continue;
    }
    const selfClosing = body.endsWith("/");
    const inner = selfClosing ? body.slice(0, -1) : body;
    const m = /^([A-Za-z_:][\w:.-]*)/.exec(inner);
    if (!m) return { ok: false, error: `a malformed tag at line ${line(lt)}` };
    const el: XmlElement = { name: m[1]!, attrs: {}, children: [], text: "" };
    for (const a of inner.slice(m[1]!.length).matchAll(ATTR_RE)) el.attrs[a[1]!] = decode(a[3] ?? a[4] ?? "");
    stack[stack.length - 1]!.children.push(el);
    if (!selfClosing) {
      if (stack.length > MAX_DEPTH) return { ok: false, error: `the XML nests deeper than ${MAX_DEPTH} levels` };
      stack.push(el);
    }
  }
  if (stack.length !== 1) return { ok: false, error: `<${stack[stack.length - 1]!.name}> is never closed` };
  const root = stack[0]!.children[0];
  return root ? { ok: true, root } : { ok: false, error: "the document has no element" };
}

/** Every descendant element with this name, depth first. */
export function findAll(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    findAll(c, name, out);
  }
  return out;
}
