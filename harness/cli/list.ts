/** `nolock-bench list`: strategies and scenarios with their descriptions and parameters. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { loadStrategies, loadStrategyFiles } from '../sim/strategy-registry.ts';
import { BUILTIN_SCENARIOS, loadBuiltinScenario } from '../workload/builtin.ts';
import { loadScenario } from '../workload/scenario.ts';

export interface ListOptions {
  readonly json: boolean;
  /** --strategy-file: strategies kept outside strategies/, listed after the folder's. */
  readonly strategyFiles?: readonly string[];
  /** --scenario-file: scenario files, listed after the built-ins. */
  readonly scenarioFiles?: readonly string[];
}

function paramsOf(schema: z.ZodType): { name: string; default: unknown; description: string }[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const defaults = schema.parse({}) as Record<string, unknown>;
  return Object.entries(shape).map(([name, s]) => ({ name, default: defaults[name], description: s.description ?? '' }));
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && (indent + cur + ' ' + w).length > width) {
      lines.push(indent + cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(indent + cur);
  return lines.join('\n');
}

/**
 * The listing, text or JSON. Strategy and scenario files are read exactly as
 * compare reads them, so a file that lists here loads there; a bad one is the
 * same one InputError.
 */
export async function listCommand(opts: ListOptions): Promise<string> {
  const { json } = opts;
  const builtin = await loadStrategies();
  const strategies = [...builtin, ...(await loadStrategyFiles((opts.strategyFiles ?? []).map((f) => resolve(f)), builtin.map((s) => s.name)))];
  const scenarios = [...BUILTIN_SCENARIOS.map((n) => loadBuiltinScenario(n)), ...(opts.scenarioFiles ?? []).map((f) => loadScenario(resolve(f)))];
  if (json) {
    return `${JSON.stringify(
      {
        strategies: strategies.map((s) => ({ name: s.name, title: s.title, origin: s.origin, description: s.description, later: s.later ?? false, sinceKernel: s.sinceKernel ? s.sinceKernel.join('.') : null, params: paramsOf(s.params) })),
        scenarios: scenarios.map((s) => ({ name: s.name, description: s.description, profile: s.kernel.profile, cpus: s.machine.cpus, memoryMiB: s.machine.memoryMiB, durationMs: s.run.durationMs, seeds: s.run.seeds })),
      },
      null,
      2,
    )}\n`;
  }
  const out: string[] = [`Strategies (strategies/*.ts${opts.strategyFiles?.length ? ', --strategy-file' : ''}):`, ''];
  for (const s of strategies) {
    out.push(`  ${s.name}${s.later ? ' (later design)' : ''}: ${s.title}`);
    out.push(wrap(`From: ${s.origin}`, 78, '      '));
    out.push(wrap(s.description, 78, '      '));
    const ps = paramsOf(s.params);
    if (ps.length) {
      out.push('      Parameters (--set NAME.param=value):');
      for (const p of ps) out.push(wrap(`${p.name} (default ${JSON.stringify(p.default)}): ${p.description}`, 78, '        '));
    }
    out.push('');
  }
  out.push(`Scenarios (harness/workload/scenarios/*.json${opts.scenarioFiles?.length ? ', --scenario-file' : ''}):`, '');
  for (const s of scenarios) {
    out.push(`  ${s.name}: kernel ${s.kernel.profile}${s.kernel.preemptRt ? ' PREEMPT_RT' : ''}${s.kernel.lockdep ? ' lockdep' : ''}, ${s.machine.cpus} CPUs, ${s.machine.memoryMiB} MiB, ${s.run.durationMs} ms x ${s.run.seeds.length} seeds`);
    out.push(wrap(s.description, 78, '      '));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
