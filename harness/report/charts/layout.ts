/**
 * Sizes for grouped bar charts: a band per scenario (or per group), a slot per
 * series inside it, wide enough for the bars and for the band's label; the
 * label is tilted when it would not fit horizontally (vega estimates 0.8 em
 * per character, so the estimate below is on the safe side too).
 */
export interface BandLayout {
  readonly width: number;
  readonly labelAngle: number;
}

const PX_PER_CHAR = 7; // 11 px labels, ~0.6 em per character in DejaVu Sans

export function bandLayout(groups: readonly string[], seriesCount: number, opts: { slot?: number; min?: number; max?: number } = {}): BandLayout {
  const slot = opts.slot ?? 16;
  const min = opts.min ?? 360;
  const max = opts.max ?? 1000;
  const band = Math.max(seriesCount * slot + 24, 60);
  const width = Math.min(max, Math.max(min, groups.length * band));
  const perBand = width / Math.max(1, groups.length);
  const longest = Math.max(0, ...groups.map((g) => g.length));
  const labelAngle = longest * PX_PER_CHAR > perBand - 8 ? -40 : 0;
  return { width, labelAngle };
}
