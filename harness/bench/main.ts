/**
 * `npm run bench [-- --json] [-- --time 1000] [-- --filter fastpath,setup]`
 *
 * Micro-benchmarks of the allocator core (JS time on this machine; see
 * tasks.ts for the tasks and how to add one). Prints a plain table, or the
 * same rows as JSON with --json (what CI and issue notes quote).
 */
import { parseArgs } from 'node:util';
import { formatBenchTable, runBenchTasks } from './runner.ts';
import { loadStrategies } from '../sim/strategy-registry.ts';
import { simBenchTasks } from './sim-tasks.ts';
import { BENCH_TASKS, registerBenchTasks } from './tasks.ts';

registerBenchTasks(...simBenchTasks(await loadStrategies()));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      time: { type: 'string' },
      filter: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run bench -- [--json] [--time MS] [--filter NAME[,NAME]]\n\ntasks:\n' +
        BENCH_TASKS.map((t) => `  ${t.name.padEnd(22)} ${t.description}\n`).join(''),
    );
    return;
  }
  const timeMs = values.time === undefined ? 1000 : Number(values.time);
  if (!Number.isFinite(timeMs) || timeMs < 0) {
    process.stderr.write(`--time must be a number of milliseconds, got ${values.time}\n`);
    process.exitCode = 2;
    return;
  }
  const filter = (values.filter ?? []).flatMap((f) => f.split(',')).filter((f) => f.length > 0);
  const unknown = filter.filter((f) => !BENCH_TASKS.some((t) => t.name.includes(f)));
  if (unknown.length > 0) {
    process.stderr.write(`no bench task matches ${unknown.join(', ')}; tasks: ${BENCH_TASKS.map((t) => t.name).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const report = await runBenchTasks(BENCH_TASKS, {
    timeMs,
    filter,
    onTask: values.json ? undefined : (t) => process.stderr.write(`running ${t.name}...\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatBenchTable(report)}\n`);
}

await main();
