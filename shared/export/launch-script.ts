// A launch script that pins every QEMU thread before the guest runs, with bash and util-linux
// only. QEMU has no pinning option, so the script starts it stopped (-S), with named threads
// (-name debug-threads=on; QEMU 7.2 names vCPU threads "CPU N/TCG" or "CPU N/KVM", I/O
// threads "IO <id>", measured here), and a QMP monitor on a pipe chardev (QEMU opens
// PATH.in and PATH.out). After QMP's query-status answers (the machine is initialised, so
// every vCPU thread exists) it sets each thread's affinity with taskset -p, asks query-status
// again (still "prelaunch": nothing of the guest ran) and only then sends cont.
// Threads are matched by name: Linux keeps the first 15 bytes of a thread name.

import type { Layout } from "../layout/schema";
import { formatIdList } from "../cpulist/cpulist";
import { generateArgs, DEFAULT_BINARY } from "../qemu/generate";
import { shellQuote } from "../qemu/tokenize";
import { smpMaxCpus } from "../qemu/prealloc";
import { emulatorHostSet, iothreadHostSet, vcpuHostSets } from "../pin/resolve";

export interface LaunchScript {
  script: string;
  notes: string[];
}

const MONITOR_ID = "numadesk-mon";

/** The layout with what the script needs from QEMU: named threads; -S and the monitor are added by the script. */
function launchLayout(layout: Layout): Layout {
  const copy: Layout = structuredClone(layout);
  copy.name = { ...copy.name, debugThreads: true };
  // the taskset is the script's job (it sets every thread); a leading one would only be overwritten
  if (copy.pinning) delete copy.pinning.process;
  return copy;
}

export function exportLaunchScript(layout: Layout): LaunchScript {
  const notes: string[] = [];
  const sets = vcpuHostSets(layout);
  const max = smpMaxCpus(layout.smp);
  const vcpuLines: string[] = [];
  for (let v = 0; v < max; v++) vcpuLines.push(`vcpu_cpus[${v}]=${shellQuote(sets.has(v) ? formatIdList(sets.get(v)!) : "")}`);
  const emulator = emulatorHostSet(layout);
  const ioLines = (layout.iothreads ?? []).map((t) => {
    const set = iothreadHostSet(layout, t.id);
    // the kernel keeps 15 bytes of "IO <id>" (TASK_COMM_LEN 16 with its NUL)
    return `io_cpus[${shellQuote(`IO ${t.id}`.slice(0, 15))}]=${shellQuote(set ? formatIdList(set) : "")}`;
  });
  if (layout.pinning?.reserved) notes.push(`reserved host CPUs (${layout.pinning.reserved}): the script pins no thread there, but other processes may still run on them`);
  if (layout.threadContexts.length > 0) notes.push("thread-context threads (TC …) keep the affinity QEMU gave them: they place preallocation threads, which are done before the script pins");

  const args = generateArgs(launchLayout(layout)).filter((a) => a !== "-S");
  const qemuLine = [`"$QEMU"`, ...args.map(shellQuote), "-S", "-chardev", `"pipe,id=${MONITOR_ID},path=$dir/mon"`, "-mon", `chardev=${MONITOR_ID},mode=control`].join(" \\\n  ");
  const title = layout.title ? ` for ${layout.title.replace(/[\r\n]+/g, " ")}` : "";
  const script = `#!/bin/bash
# QEMU launch script${title}, written by Numadesk: starts QEMU paused, pins every thread
# (vCPUs, emulator, I/O threads) with taskset, checks the guest has not run, then continues.
# Needs bash and util-linux (taskset). QEMU=PATH chooses the binary; PIN_TIMEOUT (seconds,
# default 600) bounds the wait for QEMU's monitor (preallocation comes first).
set -euo pipefail
QEMU=\${QEMU:-${shellQuote(layout.qemu?.binary ?? DEFAULT_BINARY)}}
PIN_TIMEOUT=\${PIN_TIMEOUT:-600}
dir=$(mktemp -d)
qpid=
cleanup() { [ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mkfifo "$dir/mon.in" "$dir/mon.out"

declare -a vcpu_cpus
${vcpuLines.join("\n")}
emulator_cpus=${shellQuote(emulator ? formatIdList(emulator) : "")}
declare -A io_cpus
${ioLines.join("\n")}

${qemuLine} &
qpid=$!
# read and write ends both held here, so neither open blocks
exec 3<>"$dir/mon.in" 4<>"$dir/mon.out"

# One QMP line: wait for a line holding "return" (events may come first).
qmp_reply() {
  local waited=0 line
  while [ "$waited" -lt "$PIN_TIMEOUT" ]; do
    if read -r -t 1 line <&4; then
      case $line in
        *'"return"'*|*'"QMP"'*) reply=$line; return 0 ;;
        *'"error"'*) echo "launch: QEMU refused: $line" >&2; return 1 ;;
      esac
    else
      kill -0 "$qpid" 2>/dev/null || { echo "launch: QEMU exited before it could be pinned" >&2; qpid=; exit 1; }
      waited=$((waited + 1))
    fi
  done
  echo "launch: no answer from QEMU's monitor in $PIN_TIMEOUT s" >&2
  return 1
}
qmp() { printf '%s\\n' "$1" >&3; qmp_reply; }

qmp_reply                                   # the greeting: memory is preallocated
qmp '{"execute":"qmp_capabilities"}'
qmp '{"execute":"query-status"}'           # the machine exists: every vCPU thread too

pin() { # TID LIST ROLE NAME
  taskset -pc "$2" "$1" >/dev/null
  echo "pinned $3 $1 ($4) to $2"
}
vcpus_seen=0
for task in /proc/$qpid/task/*; do
  tid=\${task##*/}
  name=$(<"$task/comm") || continue
  case $name in
    "CPU "*/TCG|"CPU "*/KVM)
      n=\${name#CPU }; n=\${n%%/*}
      vcpus_seen=$((vcpus_seen + 1))
      [ -n "\${vcpu_cpus[$n]:-}" ] && pin "$tid" "\${vcpu_cpus[$n]}" vcpu "$name"
      ;;
    "TC "*) ;;                               # thread-contexts keep their own affinity
    *)
      if [ -n "\${io_cpus[$name]+x}" ]; then
        [ -n "\${io_cpus[$name]}" ] && pin "$tid" "\${io_cpus[$name]}" iothread "$name"
      elif [ -n "$emulator_cpus" ]; then
        pin "$tid" "$emulator_cpus" emulator "$name"   # the main thread and QEMU's helpers
      fi
      ;;
  esac
done
if [ "$vcpus_seen" -ne ${max} ]; then
  echo "launch: found $vcpus_seen vCPU threads, expected ${max} (is -name debug-threads=on in effect?)" >&2
  exit 1
fi
qmp '{"execute":"query-status"}'
status=\${reply#*\\"status\\": \\"}; status=\${status%%\\"*}
echo "status before cont: $status"
[ "$status" = prelaunch ] || { echo "launch: the guest is '$status', not waiting to start; not continuing" >&2; exit 1; }
qmp '{"execute":"cont"}'
echo "running: QEMU pid $qpid"
wait "$qpid"
`;
  return { script, notes };
}
