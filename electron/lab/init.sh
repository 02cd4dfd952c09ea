#!/bin/busybox sh
# /init of the Numadesk lab guest: report the guest's NUMA topology, run each preallocation
# job with labsampler, then power off. Everything goes to the serial console as
# "NUMADESK-LAB ..." lines (docs/lab-protocol.md).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
exec </dev/console >/dev/console 2>&1
echo "NUMADESK-LAB HELLO $(uname -r) $(nproc)"
# PCI functions first: the host reads the topology as complete once every TOPO line came
for d in /sys/bus/pci/devices/*; do
  [ -f "$d/class" ] || continue
  echo "NUMADESK-LAB PCI ${d##*/} $(cat "$d/class") $(cat "$d/vendor") $(cat "$d/device") $(cat "$d/numa_node")"
done
for n in /sys/devices/system/node/node*; do
  id=${n##*node}
  cpus=$(cat "$n/cpulist")
  total=$(grep MemTotal "$n/meminfo" | awk '{print $4}')
  free=$(grep MemFree "$n/meminfo" | awk '{print $4}')
  echo "NUMADESK-LAB TOPO $id ${cpus:--} $total $free $(cat "$n/distance")"
done
for job in /job/*.job; do
  [ -f "$job" ] || continue
  for n in /sys/devices/system/node/node*; do
    echo "NUMADESK-LAB F ${n##*node} $(grep MemFree "$n/meminfo" | awk '{print $4}')"
  done
  /bin/labsampler "$job"
done
echo "NUMADESK-LAB ALLDONE"
sync
poweroff -f
