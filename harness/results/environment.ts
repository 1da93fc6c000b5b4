/** The environment a run was made in: recorded in every results file. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Environment {
  node: string;
  os: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryMiB: number;
  gitCommit: string | null;
  gitDirty: boolean | null;
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function captureEnvironment(cwd = process.cwd()): Environment {
  const commit = git(['rev-parse', 'HEAD'], cwd);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no'], cwd);
  return {
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpuCount: os.cpus().length,
    totalMemoryMiB: Math.round(os.totalmem() / 1048576),
    gitCommit: commit,
    gitDirty: status === null ? null : status.length > 0,
  };
}
