/**
 * Booting one guest: qemu-system-x86_64 under TCG (KVM hangs on this kind of
 * machine, LAB.md, so it is never asked for), no network, the serial console
 * on stdout, no reboot (the guest's poweroff, or a panic with panic=-1, ends
 * qemu). The caller gets the whole serial log and the wall time, or one
 * InputError line when qemu is missing or the guest does not finish in time.
 */
import { spawn } from 'node:child_process';
import { InputError } from '../errors.ts';
import { stripTerminal } from './serial-log.ts';

export interface BootRequest {
  /** Names the guest in messages: `6.12.117+deb13-amd64 3cpu-3072M`. */
  label: string;
  vmlinuz: string;
  initrd: string;
  cpus: number;
  memMiB: number;
  mode: 'capture' | 'trace';
  timeoutMs: number;
}

export interface BootResult {
  serial: string;
  seconds: number;
  exitCode: number;
}

/** Boots a guest and returns its serial log; signature shared with the tests' fake boot. */
export type BootGuest = (req: BootRequest) => Promise<BootResult>;

export const QEMU = 'qemu-system-x86_64';

/** The qemu command line of a request. */
export function qemuArgs(req: BootRequest): string[] {
  // no_timer_check: on a starved host the emulated timer can miss the kernel's
  // IO-APIC timer check, which then panics ("IO-APIC + timer doesn't work!",
  // seen with 6.1-rt, 12 CPUs, load 24 on 2 cores); the check proves nothing here.
  // noirqdebug: likewise the spurious-IRQ detector disabled the UART's IRQ 4 in a
  // 6.12-rt trace run ("Disabling IRQ #4" printed into the trace's stream).
  const append = ['console=ttyS0', 'quiet', 'loglevel=1', 'panic=-1', 'no_timer_check', 'noirqdebug', ...(req.mode === 'trace' ? ['nb.mode=trace'] : [])].join(' ');
  // A capture only boots and prints: one host thread for all vCPUs (thread=single)
  // boots a 16-CPU guest in 38 s where multi-threaded TCG took 64 s on 2 busy
  // cores. A trace run keeps one thread per vCPU, so its writers run in parallel.
  const accel = req.mode === 'trace' ? 'tcg' : 'tcg,thread=single';
  return [
    '-accel', accel, '-cpu', 'max',
    '-m', String(req.memMiB), '-smp', String(req.cpus),
    '-nodefaults', '-no-user-config', '-display', 'none',
    '-serial', 'stdio', '-monitor', 'none', '-no-reboot', '-nic', 'none',
    '-kernel', req.vmlinuz, '-initrd', req.initrd, '-append', append,
  ];
}

/** The last non-empty console line (for a timeout message). */
function lastLine(serial: string): string {
  const lines = stripTerminal(serial).split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? 'nothing on the console';
}

/** Runs qemu for `req`; see the file comment for what the caller may rely on. */
export function bootGuest(req: BootRequest, qemu = QEMU): Promise<BootResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(qemu, qemuArgs(req), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, req.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        e.code === 'ENOENT'
          ? new InputError({ file: qemu, where: 'PATH', expected: 'QEMU installed (apt-get install -y qemu-system-x86)', found: 'no such program' })
          : e,
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const serial = Buffer.concat(out).toString('utf8');
      const seconds = (performance.now() - t0) / 1000;
      if (timedOut) {
        reject(new InputError({ file: req.vmlinuz, where: `guest ${req.label}`, expected: `to boot and finish within ${Math.round(req.timeoutMs / 1000)} s`, found: `still running; last console line: ${JSON.stringify(lastLine(serial).slice(0, 60))}` }));
        return;
      }
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code !== 0 && !serial.includes('@@NB-DONE@@')) {
        reject(new InputError({ file: req.vmlinuz, where: `guest ${req.label}`, expected: 'qemu to run the guest', found: `exit ${code ?? signal}: ${(stderr.split('\n').at(-1) ?? '').slice(0, 80) || lastLine(serial).slice(0, 80)}` }));
        return;
      }
      resolve({ serial, seconds, exitCode: code ?? 1 });
    });
  });
}
