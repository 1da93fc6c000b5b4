/**
 * The guest's /init (busybox sh). It mounts what it needs, writes the vm
 * sysctls back with their own values so the kernel recomputes watermarks,
 * lowmem reserves and pcp sizes from the final managed pages (LAB.md,
 * "Settling the numbers"), prints each capture between marker lines, and in
 * trace mode (kernel command line `nb.mode=trace`) records the kmem
 * tracepoints around a pcplist workload. It ends with `poweroff -f`.
 *
 * Markers (serial-log.ts reads them): `@@NB-BEGIN <name> <encoding>@@`,
 * `@@NB-END <name>@@`, `@@NB-ERROR <what>@@`, `@@NB-DONE@@`. Encoding `text`
 * is the file as is; `gzip-base64` is gzip then base64 (the trace: a few MB
 * through an emulated UART, and gzip's CRC tells a damaged transfer).
 */

/**
 * A capture's sections: the kernel's release, zoneinfo, buddyinfo, the vm
 * sysctls, and its boot log (whose "Freeing ... memory" lines tell the
 * zoneinfo oracle how much lowmem the kernel freed after it computed
 * min_free_kbytes; the console stays quiet, dmesg reads the ring buffer).
 */
export const CAPTURE_SECTIONS = ['uname', 'zoneinfo', 'buddyinfo', 'sysctl', 'dmesg'] as const;

/** The sysctls written back before a capture, in this order (5.10 has percpu_pagelist_fraction instead of percpu_pagelist_high_fraction). */
export const WRITE_BACK_SYSCTLS = ['min_free_kbytes', 'watermark_scale_factor', 'lowmem_reserve_ratio', 'percpu_pagelist_high_fraction', 'percpu_pagelist_fraction'] as const;

/** The kmem tracepoints a trace run enables. */
export const TRACE_EVENTS = ['mm_page_alloc', 'mm_page_free', 'mm_page_free_batched', 'mm_page_alloc_zone_locked', 'mm_page_pcpu_drain', 'mm_page_alloc_extfrag'] as const;

/** Per-CPU ring buffer of a trace run (KiB). */
export const TRACE_BUFFER_KB = 16384;

/**
 * The workload of a trace run, per round: on every CPU (pinned with taskset)
 * write a 4 MiB file in 64 KiB blocks and one in 4 KiB blocks on tmpfs, free
 * the first on the same CPU, write a small one and free it; then free all the
 * 4 KiB-block files from CPU 0 at once, more pages than one CPU's pcp high
 * on every lab kernel, so the pcplists drain (free_pcppages_bulk) too.
 */
export const TRACE_ROUNDS = 2;

export function initScript(): string {
  return `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs -o size=90% tmpfs /tmp
# Keep the kernel's own messages off the console while captures are printed.
echo 1 > /proc/sys/kernel/printk

nb_begin() { echo "@@NB-BEGIN $1 $2@@"; }
nb_end() { echo "@@NB-END $1@@"; }
nb_sysctl() {
  for f in /proc/sys/vm/*; do
    [ -f "$f" ] || continue
    v=$(cat "$f" 2>/dev/null) || continue
    echo "vm.\${f##*/} = $v"
  done
}
nb_capture() {
  nb_begin uname text; uname -r; nb_end uname
  nb_begin zoneinfo text; cat /proc/zoneinfo; nb_end zoneinfo
  nb_begin buddyinfo text; cat /proc/buddyinfo; nb_end buddyinfo
  nb_begin sysctl text; nb_sysctl; nb_end sysctl
  nb_begin dmesg text; dmesg; nb_end dmesg
}

# Write each sysctl back with its own value: the kernel recomputes from the final managed pages.
for n in ${WRITE_BACK_SYSCTLS.join(' ')}; do
  f=/proc/sys/vm/$n
  [ -e "$f" ] || continue
  v=$(cat "$f")
  echo "$v" > "$f" || echo "@@NB-ERROR write-back $n@@"
done

mode=capture
case " $(cat /proc/cmdline) " in *" nb.mode=trace "*) mode=trace ;; esac

if [ "$mode" = trace ]; then
  t=/sys/kernel/tracing
  mount -t tracefs tracefs $t 2>/dev/null
  [ -e $t/trace ] || echo "@@NB-ERROR tracefs@@"
  echo 0 > $t/tracing_on
  echo ${TRACE_BUFFER_KB} > $t/buffer_size_kb || echo "@@NB-ERROR buffer_size_kb@@"
  for e in ${TRACE_EVENTS.join(' ')}; do
    echo 1 > $t/events/kmem/$e/enable || echo "@@NB-ERROR event $e@@"
  done
  echo > $t/trace
  nb_capture
  echo 1 > $t/tracing_on
  n=$(nproc)
  r=0
  while [ $r -lt ${TRACE_ROUNDS} ]; do
    i=0
    while [ $i -lt $n ]; do
      taskset -c $i sh -c "dd if=/dev/zero of=/tmp/a$i bs=64k count=64 2>/dev/null; dd if=/dev/zero of=/tmp/b$i bs=4k count=1024 2>/dev/null; rm /tmp/a$i; dd if=/dev/zero of=/tmp/c$i bs=4k count=256 2>/dev/null; rm /tmp/c$i" &
      i=$((i+1))
    done
    wait
    taskset -c 0 rm /tmp/b*
    r=$((r+1))
  done
  echo 0 > $t/tracing_on
  nb_begin trace gzip-base64; gzip -c $t/trace | base64; nb_end trace
else
  nb_capture
fi
echo "@@NB-DONE@@"
# A write to the console returns once the tty has the bytes, not once the UART
# sent them: give the (threaded, on RT) serial driver time to drain before the
# power goes (6.1-rt lost the end of its dmesg and trace without this).
sleep 2
poweroff -f
`;
}
