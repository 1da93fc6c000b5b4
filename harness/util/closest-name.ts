/**
 * closestName - the "did you mean ...?" helper for InputError messages.
 *
 * Compares case-insensitively with the Levenshtein edit distance (insert,
 * delete, substitute, each cost 1) and returns the nearest candidate when it
 * is close enough to be a plausible typo:
 *   - distance <= max(2, floor(name.length / 3)), or
 *   - the name (4+ characters) is a case-insensitive substring of the
 *     candidate ("irqsave" -> "irqSaveRestore").
 * Ties go to the earlier candidate, so callers control preference by order.
 * Returns undefined for an empty name or when nothing is close.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.trim().toLowerCase();
  if (wanted.length === 0) return undefined;
  const limit = Math.max(2, Math.floor(wanted.length / 3));

  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance = levenshtein(wanted, lower);
    const substring = wanted.length >= 4 && lower.includes(wanted);
    if (distance > limit && !substring) continue;
    // A substring hit ranks behind any real typo-distance hit of the same
    // size; within each group the smaller distance wins.
    const score = distance <= limit ? distance : limit + distance;
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}

/** Levenshtein edit distance, O(a.length * b.length) time, O(b.length) space. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current: number[] = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const deletion = (previous[j] ?? 0) + 1;
      const insertion = (current[j - 1] ?? 0) + 1;
      current[j] = Math.min(substitution, deletion, insertion);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}
