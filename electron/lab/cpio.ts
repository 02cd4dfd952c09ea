// Linux initramfs archives: the "newc" cpio format the kernel unpacks at boot. Several
// archives written one after another are one initramfs to the kernel, which is how a lab run
// adds its jobs to the cached base archive without rebuilding it.

export interface CpioEntry {
  /** path inside the archive, without a leading slash */
  name: string;
  type: "file" | "dir" | "symlink";
  /** permission bits */
  mode: number;
  /** file content, or the symlink's target */
  data?: Buffer;
}

const TYPE_BITS = { file: 0o100000, dir: 0o040000, symlink: 0o120000 } as const;

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

export function cpioArchive(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const push = (name: string, mode: number, data: Buffer) => {
    const nameBuf = Buffer.from(name + "\0");
    const header = "070701" + [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBuf.length, 0].map(hex8).join("");
    parts.push(Buffer.from(header, "ascii"), nameBuf, Buffer.alloc(pad4(110 + nameBuf.length)), data, Buffer.alloc(pad4(data.length)));
  };
  for (const e of entries) push(e.name.replace(/^\/+/, ""), TYPE_BITS[e.type] | (e.mode & 0o7777), e.data ?? Buffer.alloc(0));
  push("TRAILER!!!", 0, Buffer.alloc(0));
  return Buffer.concat(parts);
}
