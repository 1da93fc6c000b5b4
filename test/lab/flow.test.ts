import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import type { AcquiredKernel } from '../../harness/lab/acquire-kernel.ts';
import { labCommand, type LabOptions } from '../../harness/lab/command.ts';
import type { KernelSource, ResolvedSpec } from '../../harness/lab/kernel-source.ts';
import type { LabKernelSpec } from '../../harness/lab/lab-kernels.ts';
import { LabProgress } from '../../harness/lab/lab-progress.ts';
import { labQuote, readLabResult, readLabSummary, summarizeLab } from '../../harness/results/lab-result.ts';
import type { BootRequest } from '../../harness/lab/qemu.ts';
import { runLab, type LabDeps, type LabPlan } from '../../harness/lab/run-lab.ts';
import type { ResolvedKernel } from '../../harness/validate/kernel-version.ts';
import type { ZoneinfoCheckInput } from '../../harness/validate/zoneinfo.ts';

/** What each fake suite offers: package version and uname -r. */
const SUITES: Record<string, { version: string; release: string }> = {
  bullseye: { version: '5.10.223-1', release: '5.10.0-32' },
  bookworm: { version: '6.1.176-1', release: '6.1.0-50' },
  trixie: { version: '6.12.117-1', release: '6.12.117+deb13' },
  sid: { version: '7.3.1-1', release: '7.3.1+deb14' },
};

function fakeSource(): KernelSource & { fetched: string[] } {
  const fetched: string[] = [];
  return {
    fetched,
    async resolve(spec: LabKernelSpec): Promise<ResolvedSpec> {
      const s = SUITES[spec.suite]!;
      return { id: spec.id, suite: spec.suite, flavour: spec.flavour, metapackage: spec.metapackage, metaVersion: s.version, imagePackage: `linux-image-${s.release}-${spec.flavour === 'rt' ? 'rt-' : ''}amd64`, package: `linux-image-${s.release}-${spec.flavour === 'rt' ? 'rt-' : ''}amd64`, version: s.version };
    },
    async fetch(spec: LabKernelSpec, res: ResolvedSpec): Promise<AcquiredKernel> {
      fetched.push(spec.id);
      const release = `${SUITES[spec.suite]!.release}-${spec.flavour === 'rt' ? 'rt-' : ''}amd64`;
      return { ...res, release, vmlinuzMember: `./boot/vmlinuz-${release}`, vmlinuz: `/fake/${release}/vmlinuz`, downloaded: false };
    },
  };
}

/** A serial log as the real /init prints it, for the guest's kernel and shape. */
function fakeSerial(req: BootRequest, uname = req.vmlinuz.split('/')[2]!): string {
  const sec = (name: string, text: string): string => `@@NB-BEGIN ${name} text@@\r\n${text.replace(/\n/g, '\r\n')}@@NB-END ${name}@@\r\n`;
  let out = '\u001b[2J\u001b[0mSeaBIOS\r\n';
  out += sec('uname', `${uname}\n`);
  out += sec('zoneinfo', `Node 0, zone      DMA\n  pages free     ${req.memMiB}\n        managed  ${req.cpus}\n`);
  out += sec('buddyinfo', 'Node 0, zone      DMA      0      0\n');
  out += sec('sysctl', 'vm.min_free_kbytes = 45056\n');
  out += sec('dmesg', '[    0.9] Freeing initrd memory: 1028K\n');
  if (req.mode === 'trace') {
    const gz = (globalThis as unknown as { __gz: (s: string) => string }).__gz;
    out += `@@NB-BEGIN trace gzip-base64@@\r\n${gz('# tracer: nop\n')}\r\n@@NB-END trace@@\r\n`;
  }
  return `${out}@@NB-DONE@@\r\n`;
}
import { gzipSync } from 'node:zlib';
(globalThis as unknown as { __gz: (s: string) => string }).__gz = (s) => gzipSync(Buffer.from(s)).toString('base64');

/** resolveKernel as the profiles helper specifies it: nearest profile at or below, drift above 7.2. */
function fakeResolve(release: string): ResolvedKernel {
  const [maj, min] = release.split(/[.-]/).map(Number) as [number, number];
  const v = maj * 100 + min;
  const profiles = [510, 601, 612, 702];
  const p = profiles.filter((x) => x <= v).at(-1) ?? 510;
  return { release, profile: `${Math.floor(p / 100)}.${p % 100}` as ResolvedKernel['profile'], preemptRt: release.includes('-rt-'), exact: p === v, drift: v > 702 };
}

interface FakeOpts {
  /** Releases whose zoneinfo the fake oracle gets wrong in one row. */
  mismatch?: string[];
  boot?: (req: BootRequest) => Promise<{ serial: string; seconds: number; exitCode: number }>;
}

function fakeDeps(cacheDir: string, o: FakeOpts = {}): LabDeps & { boots: BootRequest[]; checked: ZoneinfoCheckInput[]; source: ReturnType<typeof fakeSource> } {
  const boots: BootRequest[] = [];
  const checked: ZoneinfoCheckInput[] = [];
  const source = fakeSource();
  return {
    boots,
    checked,
    source,
    cacheDir,
    kernels: source,
    boot: o.boot ?? (async (req) => (boots.push(req), { serial: fakeSerial(req), seconds: 1.5, exitCode: 0 })),
    qemuVersion: async () => 'QEMU emulator version 7.2.22',
    initrd: () => '/fake/initrd',
    checkZoneinfo(input) {
      checked.push(input);
      const k = fakeResolve(input.kernel!);
      const bad = o.mismatch?.includes(input.kernel!) ?? false;
      const rows = [
        { zone: 'DMA', field: 'min', kernel: 5, model: 5, match: true },
        { zone: 'DMA', field: 'high', kernel: 7, model: bad ? 8 : 7, match: !bad },
      ];
      return { kernel: k, rows, compared: rows.length, matched: rows.filter((r) => r.match).length };
    },
    checkTrace(input) {
      expect(input.traceText).toBe('# tracer: nop\n');
      const c = { kernel: 100, model: 95 };
      return { kernel: fakeResolve(input.kernel), counts: { pcpRefill: c, pcpDrain: c, extfrag: { kernel: 0, model: 0 } }, perCpu: [], events: 1, tolerance: input.tolerance ?? 10, withinTolerance: true, notes: [] };
    },
    resolveKernel: fakeResolve,
    progress: new LabProgress({ write: () => true }),
    now: () => new Date('2026-12-04T23:00:00Z'),
    host: () => ({ cpus: 2, memGiB: 24, os: 'Debian GNU/Linux 12 (bookworm)', node: '20' }),
  };
}

const PLAN: LabPlan = { quick: false, jobs: 2, bootTimeoutS: 60, gateTrace: false, runId: 'r1', command: 'nolock-bench lab', shapes: ['1x512', '3x3G'] };

describe('the lab flow (fake boot, fake oracles)', () => {
  it('boots every kernel in every shape plus one trace run, and checks each capture', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-flow-'));
    const deps = fakeDeps(dir);
    const r = await runLab({ ...PLAN, kernels: ['6.1', '6.12-rt'] }, deps);
    expect(deps.source.fetched).toEqual(['bookworm', 'trixie-rt']);
    expect(deps.boots.length).toBe(2 * 3);
    expect(deps.boots.filter((b) => b.mode === 'trace').map((b) => [b.cpus, b.memMiB])).toEqual([[4, 2048], [4, 2048]]);
    // A trace run may take twice the boot timeout.
    expect(deps.boots.find((b) => b.mode === 'trace')!.timeoutMs).toBe(120_000);
    expect(r.kernels.map((k) => [k.uname, k.profile, k.preemptRt, k.claimed, k.drift])).toEqual([
      ['6.1.0-50-amd64', '6.1', false, true, false],
      ['6.12.117+deb13-rt-amd64', '6.12', true, true, false],
    ]);
    expect(r.kernels[0]!.shapes.map((s) => [s.cpus, s.memMiB, s.compared, s.matched])).toEqual([[1, 512, 2, 2], [3, 3072, 2, 2]]);
    expect(r.totals).toEqual({ kernels: 2, shapes: 4, compared: 8, matched: 8, traces: 2, tracesWithinTolerance: 2 });
    expect(r.status).toBe('ok');
    // The captures are stored in the cache with their meta.
    const meta = JSON.parse(readFileSync(join(dir, 'captures', '6.1.0-50-amd64', '3cpu-3072M', 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ package: 'linux-image-6.1.0-50-amd64', version: '6.1.176-1', kernel: '6.1.0-50-amd64', cpus: 3, memMiB: 3072, bootSeconds: 1.5 });
    expect(existsSync(join(dir, 'captures', '6.1.0-50-amd64', 'trace-4cpu-2048M', 'trace.txt'))).toBe(true);
    expect(deps.checked[0]!.sysctlText).toBe('vm.min_free_kbytes = 45056\n');
    expect(deps.checked[0]!.dmesgText).toBe('[    0.9] Freeing initrd memory: 1028K\n');
  });

  it('reports a suite kernel newer than every profile as drift, not a failure, even when it differs', async () => {
    const deps = fakeDeps(mkdtempSync(join(tmpdir(), 'lab-flow-')), { mismatch: ['7.3.1+deb14-amd64'] });
    const r = await runLab({ ...PLAN, quick: true, kernels: ['unstable', '5.10'] }, deps);
    const sid = r.kernels.find((k) => k.suite === 'sid')!;
    expect(sid).toMatchObject({ profile: '7.2', drift: true, claimed: false, compared: 4, matched: 2 });
    expect(r.status).toBe('ok');
    expect(deps.boots.some((b) => b.mode === 'trace')).toBe(false);
  });

  it('fails (status mismatch) when a kernel a profile claims differs', async () => {
    const deps = fakeDeps(mkdtempSync(join(tmpdir(), 'lab-flow-')), { mismatch: ['6.1.0-50-rt-amd64'] });
    const r = await runLab({ ...PLAN, quick: true, kernels: ['6.1-rt'] }, deps);
    expect(r.status).toBe('mismatch');
    expect(r.kernels[0]!.shapes[0]!.mismatches).toEqual([{ zone: 'DMA', field: 'high', kernel: 7, model: 8 }]);
  });

  it('names the versions the mirror has when --kernels asks for another', async () => {
    const deps = fakeDeps(mkdtempSync(join(tmpdir(), 'lab-flow-')));
    await expect(runLab({ ...PLAN, kernels: ['7.9'] }, deps)).rejects.toThrow(/^--kernels: 7\.9: expected a kernel the mirror's suites offer \(bullseye 5\.10\.223-1, bookworm 6\.1\.176-1, trixie 6\.12\.117-1, sid 7\.3\.1-1\)/);
    expect(deps.boots.length).toBe(0);
  });

  it('boots a guest once more when it stops before printing, and keeps its serial log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-flow-'));
    let calls = 0;
    const deps = fakeDeps(dir, { boot: async (req) => ({ serial: ++calls === 1 ? 'SeaBIOS\r\n' : fakeSerial(req), seconds: 1, exitCode: 0 }) });
    const r = await runLab({ ...PLAN, quick: true, shapes: ['1x512'], kernels: ['6.1'] }, deps);
    expect(calls).toBe(2);
    expect(r.kernels[0]!.shapes.length).toBe(1);
    expect(readFileSync(join(dir, 'captures', '6.1.0-50-amd64', '1cpu-512M.failed-serial.log'), 'utf8')).toBe('SeaBIOS\r\n');
  });

  it('refuses a guest that reports another uname -r than its package', async () => {
    const deps = fakeDeps(mkdtempSync(join(tmpdir(), 'lab-flow-')), { boot: async (req) => ({ serial: fakeSerial(req, '6.1.0-49-amd64'), seconds: 1, exitCode: 0 }) });
    await expect(runLab({ ...PLAN, quick: true, kernels: ['6.1'] }, deps)).rejects.toThrow(/guest 6\.1\.0-50-amd64 1cpu-512M: uname -r: expected 6\.1\.0-50-amd64, found "6\.1\.0-49-amd64"/);
  });

  it('refuses a guest whose log stops before a section', async () => {
    const deps = fakeDeps(mkdtempSync(join(tmpdir(), 'lab-flow-')), { boot: async (req) => ({ serial: fakeSerial(req).split('@@NB-BEGIN buddyinfo')[0]!, seconds: 1, exitCode: 0 }) });
    await expect(runLab({ ...PLAN, quick: true, kernels: ['6.1'] }, deps)).rejects.toThrow(/section buddyinfo: expected the section between its markers, found the guest stopped before printing it/);
  });
});

function opts(dir: string, more: Partial<LabOptions> = {}): LabOptions {
  return { quick: true, offline: false, bootTimeoutS: 60, saveBaseline: false, resultsDir: join(dir, 'results'), reportsDir: join(dir, 'reports'), command: 'nolock-bench lab --quick', runId: 'run1', kernels: ['6.12', 'unstable'], ...more };
}

function io(): { stdout: { write(s: string): boolean; text: string }; stderr: { write(s: string): boolean } } {
  const stdout = { text: '', write(s: string) { this.text += s; return true; } };
  return { stdout, stderr: { write: () => true } };
}

describe('nolock-bench lab (command, fake dependencies)', () => {
  it('writes lab.json, the report page and, asked to, the baseline summary; exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cmd-'));
    const out = io();
    const code = await labCommand(opts(dir, { saveBaseline: true }), out, fakeDeps(join(dir, 'cache')));
    expect(code).toBe(0);
    const r = readLabResult(join(dir, 'results', 'lab', 'run1', 'lab.json'));
    expect(r.kernels.map((k) => k.uname)).toEqual(['6.12.117+deb13-amd64', '7.3.1+deb14-amd64']);
    const page = readFileSync(join(dir, 'reports', 'lab', 'run1', 'index.html'), 'utf8');
    expect(page).toContain('<h1>Checked against real kernels</h1>');
    expect(page).toContain('6.12.117+deb13-amd64');
    expect(page).toContain('drift');
    const s = readLabSummary(join(dir, 'results', 'baselines', 'lab.json'));
    expect(s).toEqual(summarizeLab(r));
    expect(labQuote(s)).toBe('Model checked against real kernels on 2026-12-04: 2 kernels (6.12.117+deb13-amd64, 7.3.1+deb14-amd64), 4 machine shapes, 8/8 zoneinfo numbers matched.');
    expect(out.stdout.text).toMatch(/7\.3\.1\+deb14-amd64 .* drift/);
  });

  it('exits 1 when a claimed kernel mismatches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cmd-'));
    expect(await labCommand(opts(dir), io(), fakeDeps(join(dir, 'cache'), { mismatch: ['6.12.117+deb13-amd64'] }))).toBe(1);
  });

  it('stores nothing when a guest does not boot in time, and refuses a used run id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cmd-'));
    const timeout = async (req: BootRequest): Promise<never> => {
      throw new InputError({ file: req.vmlinuz, where: `guest ${req.label}`, expected: 'to boot and finish within 60 s', found: 'still running' });
    };
    await expect(labCommand(opts(dir), io(), fakeDeps(join(dir, 'cache'), { boot: timeout }))).rejects.toThrow(InputError);
    expect(existsSync(join(dir, 'results', 'lab'))).toBe(false);
    expect(existsSync(join(dir, 'reports', 'lab'))).toBe(false);
    await labCommand(opts(dir), io(), fakeDeps(join(dir, 'cache')));
    await expect(labCommand(opts(dir), io(), fakeDeps(join(dir, 'cache')))).rejects.toThrow(/--run-id: value: expected a run id not used yet/);
  });
});

describe('lab.json', () => {
  it('names the file and the field when it is corrupt or not a lab result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-json-'));
    const f = join(dir, 'lab.json');
    writeFileSync(f, '{"schema": "nolock-bench/lab", "schemaVersion": 1, "runId": 3');
    expect(() => readLabResult(f)).toThrow(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: JSON: expected valid JSON`));
    writeFileSync(f, JSON.stringify({ schema: 'nolock-bench/lab', schemaVersion: 1, runId: 3 }));
    expect(() => readLabResult(f)).toThrow(/lab\.json: runId: expected a nolock-bench\/lab v1 result/);
    expect(() => readLabResult(join(dir, 'none.json'))).toThrow(/none\.json: file: expected a readable lab result, found no such file/);
    expect(() => readLabSummary(f)).toThrow(InputError);
  });
});
