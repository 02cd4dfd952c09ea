// The pinning rules' firing and quiet cases for rules.test.ts: pinning has no QEMU option, so
// each case is the clean 2-node line (GOOD2: vCPUs 0-1 and memory on host node 0, 2-3 on
// node 1, on the seed host) with a pinning set on the imported layout.

import type { Layout } from "../../layout/schema";
import type { HostTopology } from "../../topology/schema";

type Pinning = NonNullable<Layout["pinning"]>;
const pin = (p: Pinning) => (l: Layout) => {
  l.pinning = p;
};
const EXACT = [
  { vcpus: "0", hostCpus: "0" },
  { vcpus: "1", hostCpus: "52" },
  { vcpus: "2", hostCpus: "26" },
  { vcpus: "3", hostCpus: "78" },
];

export function PIN_CASES(good2: string, seed: HostTopology) {
  const ctx = { host: seed };
  return [
    {
      code: "PIN001",
      what: "guest node 0's vCPUs pinned to host node 1 while its memory is on node 0",
      bad: good2,
      good: good2,
      ctx,
      edit: { bad: pin({ vcpus: [{ node: 0, hostCpus: "26-51" }] }), good: pin({ vcpus: [{ node: 0, hostCpus: "0-25,52-77" }] }) },
    },
    {
      code: "PIN002",
      what: "two vCPUs on one PU in a dedicated design",
      bad: good2,
      good: good2,
      ctx,
      edit: { bad: pin({ dedicated: true, emulator: "100", vcpus: [{ vcpus: "0-1", hostCpus: "0" }] }), good: pin({ dedicated: true, emulator: "100", vcpus: EXACT }) },
    },
    {
      code: "PIN003",
      what: "the emulator pinned to a CPU the host lacks",
      bad: good2,
      good: good2,
      ctx,
      edit: { bad: pin({ emulator: "104-105" }), good: pin({ emulator: "100-103" }) },
    },
    {
      code: "PIN004",
      what: "a guest SMT pair pinned to two host cores",
      bad: good2.replace("-smp 4", "-smp 4,sockets=2,cores=1,threads=2"),
      good: good2.replace("-smp 4", "-smp 4,sockets=2,cores=1,threads=2"),
      ctx,
      edit: {
        bad: pin({
          vcpus: [
            { vcpus: "0", hostCpus: "0" },
            { vcpus: "1", hostCpus: "1" },
          ],
        }),
        good: pin({ vcpus: EXACT }),
      },
    },
    {
      code: "PIN005",
      what: "the emulator on a vCPU's PU in a dedicated design",
      bad: good2,
      good: good2,
      ctx,
      edit: { bad: pin({ dedicated: true, vcpus: EXACT, emulator: "0-1" }), good: pin({ dedicated: true, vcpus: EXACT, emulator: "1" }) },
    },
    {
      code: "PIN006",
      what: "a thread-context on node 0 while its guest node's vCPUs run on node 1",
      bad: good2,
      good: good2,
      ctx,
      edit: { bad: pin({ vcpus: [{ node: 0, hostCpus: "26-51,78-103" }] }), good: pin({ vcpus: [{ node: 0, hostCpus: "0-25,52-77" }] }) },
    },
    {
      code: "PIN007",
      what: "a vCPU pin on a reserved CPU",
      bad: good2,
      good: good2,
      ctx,
      edit: { bad: pin({ reserved: "0", vcpus: [{ node: 0, hostCpus: "0-25,52-77" }] }), good: pin({ reserved: "0", vcpus: [{ node: 0, hostCpus: "1-25,52-77" }] }) },
    },
  ];
}
