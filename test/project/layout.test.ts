/**
 * The folders the README's layout promises exist in a fresh clone: reports/
 * (with its README, committed) while the generated reports in it stay ignored.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8' }).trim();

describe('repository layout', () => {
  it('reports/README.md is committed; a generated report under reports/ is ignored', () => {
    expect(git('ls-files', 'reports/README.md')).toBe('reports/README.md');
    expect(git('check-ignore', 'reports/2026-01-01T00-00-00Z/index.html')).toBe('reports/2026-01-01T00-00-00Z/index.html');
    expect(git('check-ignore', 'results/2026-01-01T00-00-00Z/results.json')).toBe('results/2026-01-01T00-00-00Z/results.json');
  });
});
