/**
 * Running the command line in-process for the fuzz tests: runCli with
 * captured output, every run pointed at a temporary results/reports folder
 * that must stay empty (nothing malformed may start a compare).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../../harness/cli/run-cli.ts';
import { MAX_MESSAGE_LENGTH } from './fuzz-helpers.ts';

export interface CliRun {
  readonly args: string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fresh folder under test-output/ with results/ and reports/ paths (not created). */
export function outputDirs(prefix: string): { dir: string; results: string; reports: string; flags: string[] } {
  mkdirSync(resolve('test-output'), { recursive: true });
  const dir = mkdtempSync(join(resolve('test-output'), prefix));
  const results = join(dir, 'results');
  const reports = join(dir, 'reports');
  return { dir, results, reports, flags: ['--results-dir', results, '--reports-dir', reports] };
}

export async function runCaptured(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { args: [...args], code, stdout, stderr };
}

/** Files and folders under `dir` (recursively), [] when it does not exist. */
export function entriesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String);
}

/**
 * Exit code 2, one line on stderr starting with "nolock-bench: " and naming
 * `mention` (when given), no stack trace (unless --verbose: then the stack
 * follows the line), and nothing written under the output folders.
 */
export function expectBadInputExit(r: CliRun, dirs: readonly string[], mention?: string): string {
  const what = `nolock-bench ${r.args.map((a) => JSON.stringify(a)).join(' ')}`;
  if (r.code !== 2) expect.fail(`${what}\n  exit code ${r.code}, expected 2\n  stderr: ${r.stderr.slice(0, 2000)}\n  stdout: ${r.stdout.slice(0, 300)}`);
  const lines = r.stderr.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const first = lines[0] ?? '';
  if (!first.startsWith('nolock-bench: ')) expect.fail(`${what}\n  stderr does not start with "nolock-bench: ": ${JSON.stringify(r.stderr.slice(0, 300))}`);
  if (first.startsWith('nolock-bench: internal error')) expect.fail(`${what}\n  an internal error: ${r.stderr.slice(0, 2000)}`);
  if (first.length > MAX_MESSAGE_LENGTH + 'nolock-bench: '.length) expect.fail(`${what}\n  message longer than ${MAX_MESSAGE_LENGTH}: ${first}`);
  if (mention !== undefined && !first.includes(mention)) expect.fail(`${what}\n  message does not name ${JSON.stringify(mention)}: ${first}`);
  const verbose = r.args.includes('--verbose');
  if (!verbose) {
    if (lines.length !== 1) expect.fail(`${what}\n  ${lines.length} lines on stderr, expected 1:\n${r.stderr.slice(0, 2000)}`);
  } else {
    // The stack may follow the message line, and nothing else.
    for (const l of lines.slice(1)) {
      if (!/^(InputError: |\s+at )/.test(l)) expect.fail(`${what}\n  with --verbose, a line that is neither the message nor the stack: ${JSON.stringify(l)}`);
    }
  }
  if (!verbose && /^\s+at /m.test(r.stderr)) expect.fail(`${what}\n  a stack trace without --verbose:\n${r.stderr}`);
  if (r.stdout !== '') expect.fail(`${what}\n  wrote to stdout: ${JSON.stringify(r.stdout.slice(0, 300))}`);
  for (const d of dirs) {
    const written = entriesUnder(d);
    if (written.length > 0) expect.fail(`${what}\n  wrote under ${d}: ${written.slice(0, 5).join(', ')}`);
  }
  return first;
}
