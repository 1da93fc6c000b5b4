/**
 * `--shard`: which part of the matrix this process runs. `i/n` runs the jobs
 * whose index is i - 1 modulo n (compare.ts plans them in one canonical
 * order, so n processes with 1/n .. n/n run every job once; `merge` puts
 * them back together). `auto` takes i and n from the engine that started the
 * process, so one command line serves every shard of a CI matrix or a
 * Kubernetes Indexed Job:
 *
 *  - SHARD_INDEX and SHARD_COUNT (1-based): what a GitHub Actions matrix
 *    passes (README, "Running shards on CI"), or anything else that can set
 *    two variables;
 *  - CI_NODE_INDEX and CI_NODE_TOTAL (1-based): GitLab CI's `parallel: N`
 *    sets them, and other engines copy it;
 *  - JOB_COMPLETION_INDEX (0-based): a Kubernetes Indexed Job sets it in
 *    every pod; the pod cannot see the Job's `completions`, so the count is
 *    given: `--shard auto/N`, or SHARD_COUNT.
 *
 * The first of these that is set decides; `auto/N` must then agree with its
 * count. Nothing set is an input error: a shard that guessed "1/1" would run
 * the whole matrix in every job.
 */
import { InputError, describeFound } from '../errors.ts';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** The environment variables `--shard auto` reads (see above). */
export const SHARD_ENV = {
  index: 'SHARD_INDEX',
  count: 'SHARD_COUNT',
  ciIndex: 'CI_NODE_INDEX',
  ciTotal: 'CI_NODE_TOTAL',
  k8sIndex: 'JOB_COMPLETION_INDEX',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

const EXPECTED = 'i/n with 1 <= i <= n (e.g. 1/4), auto or auto/N';

/** A non-negative integer as an environment variable holds it; else an InputError naming the variable. */
function envInteger(env: Env, name: string, min: number): number {
  const text = env[name] ?? '';
  const n = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= min)) throw new InputError({ file: `--shard auto: $${name}`, where: 'value', expected: `an integer >= ${min}`, found: describeFound(text) });
  return n;
}

function checked(index: number, count: number, origin: string): Shard {
  if (!(count >= 1 && index >= 1 && index <= count)) throw new InputError({ file: `--shard auto: ${origin}`, where: 'value', expected: 'a shard index within the count', found: `shard ${index} of ${count}` });
  return { index, count };
}

/**
 * `--shard auto` or `auto/N`: the shard the environment names (see the file
 * comment). Throws one InputError naming the variable when one is malformed,
 * disagrees with N, or none is set.
 */
export function shardFromEnvironment(given: number | undefined, env: Env = process.env): Shard {
  const set = (name: string): boolean => (env[name] ?? '') !== '';
  const agree = (count: number, origin: string): void => {
    if (given !== undefined && given !== count) throw new InputError({ file: `--shard auto/${given}`, where: 'count', expected: `the count ${origin} gives`, found: `${given} against ${count}` });
  };
  if (set(SHARD_ENV.index)) {
    const count = given ?? envInteger(env, SHARD_ENV.count, 1);
    if (given !== undefined && set(SHARD_ENV.count)) agree(envInteger(env, SHARD_ENV.count, 1), `$${SHARD_ENV.count}`);
    return checked(envInteger(env, SHARD_ENV.index, 1), count, `$${SHARD_ENV.index}`);
  }
  if (set(SHARD_ENV.ciIndex)) {
    const count = envInteger(env, SHARD_ENV.ciTotal, 1);
    agree(count, `$${SHARD_ENV.ciTotal}`);
    return checked(envInteger(env, SHARD_ENV.ciIndex, 1), count, `$${SHARD_ENV.ciIndex}`);
  }
  if (set(SHARD_ENV.k8sIndex)) {
    if (given === undefined && !set(SHARD_ENV.count)) {
      throw new InputError({ file: '--shard auto', where: 'count', expected: `the number of shards as --shard auto/N (the Job's completions) or in $${SHARD_ENV.count}`, found: `only $${SHARD_ENV.k8sIndex}` });
    }
    const count = given ?? envInteger(env, SHARD_ENV.count, 1);
    if (given !== undefined && set(SHARD_ENV.count)) agree(envInteger(env, SHARD_ENV.count, 1), `$${SHARD_ENV.count}`);
    return checked(envInteger(env, SHARD_ENV.k8sIndex, 0) + 1, count, `$${SHARD_ENV.k8sIndex}`);
  }
  throw new InputError({
    file: '--shard auto',
    where: 'environment',
    expected: `$${SHARD_ENV.index} and $${SHARD_ENV.count}, $${SHARD_ENV.ciIndex} and $${SHARD_ENV.ciTotal} (GitLab CI parallel), or $${SHARD_ENV.k8sIndex} (Kubernetes Indexed Job) with auto/N`,
    found: 'none of them set',
  });
}

/**
 * The shard `--shard` names (null without the option): `i/n`, or `auto` /
 * `auto/N` resolved from `env`. Throws one InputError for anything else.
 */
export function parseShard(text: string | undefined, env: Env = process.env): Shard | null {
  if (text === undefined) return null;
  const auto = /^auto(?:\/(\d{1,9}))?$/.exec(text);
  if (auto) {
    const given = auto[1] !== undefined ? Number(auto[1]) : undefined;
    if (given === 0) throw new InputError({ file: '--shard', where: 'value', expected: EXPECTED, found: JSON.stringify(text) });
    return shardFromEnvironment(given, env);
  }
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InputError({ file: '--shard', where: 'value', expected: EXPECTED, found: JSON.stringify(text) });
  return { index, count };
}

/** The command line with `--shard auto[/N]` replaced by the shard it resolved to, so the stored command reruns this shard anywhere. */
export function withResolvedShard(args: readonly string[], shard: Shard | null): string[] {
  if (shard === null) return [...args];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--shard' && i + 1 < args.length) {
      out.push(a, `${shard.index}/${shard.count}`);
      i++;
    } else if (a.startsWith('--shard=')) out.push(`--shard=${shard.index}/${shard.count}`);
    else out.push(a);
  }
  return out;
}
