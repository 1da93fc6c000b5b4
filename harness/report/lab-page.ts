/**
 * "Checked against real kernels": the HTML page of one lab run
 * (reports/lab/<run-id>/index.html), read from its lab.json only. Same
 * conventions as the compare report: one self-contained file, inline CSS,
 * every input text escaped (html-template.ts).
 */
import type { LabKernel, LabResult } from '../results/lab-result.ts';
import { withSeparators } from './format.ts';
import { html, raw, type Html } from './html-template.ts';
import { CSS } from './html.ts';

function pct(a: number, b: number): string {
  return b === 0 ? 'n/a' : `${((a / b) * 100).toFixed(a === b ? 0 : 2)}%`;
}

function verdict(k: LabKernel): Html {
  const bad = k.matched !== k.compared || k.shapes.some((s) => s.error);
  if (k.drift) return html`<span class="later">drift: newer than every profile (${k.profile} used)</span>`;
  if (!k.claimed) return html`<span class="muted">nearest profile ${k.profile}, not claimed</span>`;
  return bad ? html`<span class="bad">MISMATCH</span>` : html`matches`;
}

function kernelsTable(r: LabResult): Html {
  return html`<table class="data"><thead><tr><th>kernel (uname -r)</th><th>package</th><th>version</th><th>profile</th><th>PREEMPT_RT</th><th>shapes</th><th>numbers compared</th><th>matched</th><th>verdict</th></tr></thead><tbody>
${r.kernels.map((k) => html`<tr><th class="name">${k.uname}</th><td class="name" style="text-align:left">${k.package}</td><td class="name">${k.version}</td><td>${k.profile}</td><td>${k.preemptRt ? 'yes' : 'no'}</td><td>${k.shapes.length}</td><td>${withSeparators(k.compared)}</td><td>${withSeparators(k.matched)} (${pct(k.matched, k.compared)})</td><td style="text-align:left">${verdict(k)}</td></tr>`)}
</tbody></table>`;
}

function shapesTable(r: LabResult): Html {
  const shapes = [...new Map(r.kernels.flatMap((k) => k.shapes).map((s) => [`${s.cpus}/${s.memMiB}`, s])).values()];
  return html`<div class="scroll"><table class="data"><thead><tr><th>kernel</th>${shapes.map((s) => html`<th>${s.cpus} CPU / ${s.memMiB >= 1024 ? `${s.memMiB / 1024} GiB` : `${s.memMiB} MiB`}</th>`)}</tr></thead><tbody>
${r.kernels.map(
  (k) => html`<tr><th class="name">${k.uname}</th>${shapes.map((s) => {
    const c = k.shapes.find((x) => x.cpus === s.cpus && x.memMiB === s.memMiB);
    if (!c) return html`<td class="muted">-</td>`;
    if (c.error) return html`<td class="bad" title="${c.error}">error</td>`;
    return html`<td class="${c.matched === c.compared ? '' : 'bad'}" title="boot ${c.bootSeconds} s">${c.matched}/${c.compared}</td>`;
  })}</tr>`,
)}
</tbody></table></div>
<p class="muted">Each cell: zoneinfo numbers (managed, min, low, high, promo, protection, pcp batch/high/high_min/high_max, min_free_kbytes) the model reproduced / compared. Hover for the boot time.</p>`;
}

function mismatches(r: LabResult): Html {
  const rows = r.kernels.flatMap((k) => k.shapes.flatMap((s) => [...(s.error ? [{ k, s, zone: '', field: 'error', kernel: NaN, model: NaN, msg: s.error }] : []), ...s.mismatches.map((m) => ({ k, s, ...m, msg: '' }))]));
  if (!rows.length) return html`<p>None: every compared number matched.</p>`;
  const shown = rows.slice(0, 500);
  return html`<table class="data"><thead><tr><th>kernel</th><th>shape</th><th>zone</th><th>field</th><th>kernel</th><th>model</th></tr></thead><tbody>
${shown.map((x) => html`<tr><th class="name">${x.k.uname}</th><td>${x.s.cpus} CPU / ${x.s.memMiB} MiB</td><td style="text-align:left">${x.zone}</td><td style="text-align:left">${x.field}</td>${x.msg ? html`<td colspan="2" class="msg" style="text-align:left">${x.msg}</td>` : html`<td>${x.kernel}</td><td>${x.model}</td>`}</tr>`)}
</tbody></table>${rows.length > shown.length ? html`<p class="muted">${rows.length - shown.length} more rows in lab.json.</p>` : ''}`;
}

function traceTable(r: LabResult): Html {
  const ks = r.kernels.filter((k) => k.trace);
  if (!ks.length) return html`<p>No trace runs in this lab run (--quick).</p>`;
  const cell = (c: { kernel: number; model: number }): Html => html`<td>${withSeparators(c.kernel)}</td><td>${withSeparators(c.model)}</td>`;
  return html`<table class="data"><thead><tr><th rowspan="2">kernel</th><th rowspan="2">events</th><th colspan="2">pcp refills (pages)</th><th colspan="2">pcp drains (pages)</th><th colspan="2">fallbacks (extfrag)</th><th rowspan="2">within tolerance</th></tr>
<tr><th>kernel</th><th>model</th><th>kernel</th><th>model</th><th>kernel</th><th>model</th></tr></thead><tbody>
${ks.map((k) => {
  const t = k.trace!;
  if (t.error) return html`<tr><th class="name">${k.uname}</th><td colspan="8" class="bad msg" style="text-align:left">${t.error}</td></tr>`;
  return html`<tr><th class="name">${k.uname}</th><td>${withSeparators(t.events)}</td>${cell(t.counts.pcpRefill)}${cell(t.counts.pcpDrain)}${cell(t.counts.extfrag)}<td style="text-align:left">${t.withinTolerance ? `yes (${t.tolerance}%)` : html`<span class="bad">no</span> (${t.tolerance}%)`}${t.notes.length ? html`<ul class="plain">${t.notes.map((n) => html`<li class="muted">${n}</li>`)}</ul>` : ''}</td></tr>`;
})}
</tbody></table>`;
}

/** The page; the caller writes it. */
export function renderLabPage(r: LabResult): string {
  const t = r.totals;
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nolock-bench lab ${r.runId}: checked against real kernels</title>
<style>${raw(CSS)}</style>
</head>
<body>
<main>
<header>
<h1>Checked against real kernels</h1>
<p>Debian's packaged kernels booted in QEMU (TCG) in several machine shapes; after writing the vm sysctls back with their own values, each guest's <code>/proc/zoneinfo</code> and sysctls were compared with the model's numbers for the same machine, and one kmem trace per kernel was replayed through the model.</p>
<table class="meta">
<tr><th>run</th><td><code>${r.runId}</code></td></tr>
<tr><th>date</th><td>${r.date}</td></tr>
<tr><th>verdict</th><td>${r.status === 'ok' ? 'every kernel a profile claims matches' : html`<span class="bad">a kernel a profile claims does not match</span>`}</td></tr>
<tr><th>totals</th><td>${t.kernels} kernels, ${t.shapes} machine shapes booted, ${withSeparators(t.matched)} of ${withSeparators(t.compared)} numbers matched; traces within tolerance: ${t.tracesWithinTolerance} of ${t.traces}</td></tr>
<tr><th>host</th><td>${r.host.cpus} CPUs, ${r.host.memGiB} GiB, ${r.host.os}; ${r.host.qemu}; Node ${r.host.node}</td></tr>
<tr><th>lab time</th><td>${r.totalSeconds} s</td></tr>
<tr><th>reproduce</th><td><pre class="cmd">${r.command}</pre></td></tr>
</table>
</header>
<h2 id="kernels">Kernels booted</h2>
${kernelsTable(r)}
<h2 id="shapes">Machine shapes</h2>
${shapesTable(r)}
<h2 id="mismatches">Numbers that differ</h2>
${mismatches(r)}
<h2 id="traces">Trace agreement</h2>
<p>Per kernel, one traced workload (pinned tmpfs writers and frees); the kernel's own tracepoints against what the model predicts when it replays the same allocations and frees per CPU from the captured state.</p>
${traceTable(r)}
</main>
</body>
</html>
`.value;
}
