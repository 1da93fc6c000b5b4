/**
 * Running an outside program (apt-get, apt-cache, dpkg-deb, qemu) behind one
 * small interface, so tests can hand the lab a fake one.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` in `cwd`; resolves with its exit code and output, rejects only when the program cannot be started (ENOENT...). */
export type CommandRunner = (cmd: string, args: readonly string[], opts?: { cwd?: string }) => Promise<CommandResult>;

export const runCommand: CommandRunner = (cmd, args, opts) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { cwd: opts?.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });

/** The last non-empty line of a program's error output that is not apt's harmless "unsandboxed" warning (for one-line error messages). */
export function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/unsandboxed/.test(l));
  return lines.at(-1) ?? 'no error output';
}
