/**
 * Text widths for vega in Node. Without a canvas, vega estimates every
 * character as 0.8 em, about 60% wider than real text: charts get large empty
 * margins and facet axes drift away from their plots. This measures text with
 * the advance widths of DejaVu Sans (regular and bold, characters 32-126,
 * measured in Chromium at 100 px), the first font of the charts' font stack
 * and the widest common sans-serif, plus a 6% margin: readers whose machine
 * falls back to Liberation Sans, Arial or Helvetica get narrower glyphs, so
 * labels never overflow the room vega made for them. Characters outside the
 * table count as 0.75 em.
 */
import * as vega from 'vega';

/** Advance widths at 100 px, characters 32 (space) to 126 (~). */
const REGULAR: readonly number[] = [31.8, 40.1, 46, 83.8, 63.6, 95, 78, 27.5, 39, 39, 50, 83.8, 31.8, 36.1, 31.8, 33.7, 63.6, 63.6, 63.6, 63.6, 63.6, 63.6, 63.6, 63.6, 63.6, 63.6, 33.7, 33.7, 83.8, 83.8, 83.8, 53.1, 100, 68.4, 68.6, 69.8, 77, 63.2, 57.5, 77.5, 75.2, 29.5, 29.5, 65.6, 55.7, 86.3, 74.8, 78.7, 60.3, 78.7, 69.5, 63.5, 61.1, 73.2, 68.4, 98.9, 68.5, 61.1, 68.5, 39, 33.7, 39, 83.8, 50, 50, 61.3, 63.5, 55, 63.5, 61.5, 35.2, 63.5, 63.4, 27.8, 27.8, 57.9, 27.8, 97.4, 63.4, 61.2, 63.5, 63.5, 41.1, 52.1, 39.2, 63.4, 59.2, 81.8, 59.2, 59.2, 52.5, 63.6, 33.7, 63.6, 83.8];
const BOLD: readonly number[] = [34.8, 45.6, 52.1, 83.8, 69.6, 100.2, 87.2, 30.6, 45.7, 45.7, 52.3, 83.8, 38, 41.5, 38, 36.5, 69.6, 69.6, 69.6, 69.6, 69.6, 69.6, 69.6, 69.6, 69.6, 69.6, 40, 40, 83.8, 83.8, 83.8, 58, 100, 77.4, 76.2, 73.4, 83, 68.3, 68.3, 82.1, 83.7, 37.2, 37.2, 77.5, 63.7, 99.5, 83.7, 85, 73.3, 85, 77, 72, 68.2, 81.2, 77.4, 110.3, 77.1, 72.4, 72.5, 45.7, 36.5, 45.7, 83.8, 50, 50, 67.5, 71.6, 59.3, 71.6, 67.8, 43.5, 71.6, 71.2, 34.3, 34.3, 66.5, 34.3, 104.2, 71.2, 68.7, 71.6, 71.6, 49.3, 59.5, 47.8, 71.2, 65.2, 92.4, 64.5, 65.2, 58.2, 71.2, 36.5, 71.2, 83.8];
const MARGIN = 1.06;
const OTHER = 75;

interface TextItem {
  readonly fontSize?: number | string | null;
  readonly fontWeight?: number | string | null;
  readonly limit?: number | string | null;
}

interface TextMetrics {
  width: (item: TextItem, text: unknown) => number;
}

const metrics = (vega as unknown as { textMetrics: TextMetrics }).textMetrics;

/** Width in px of one line of text at fontSize px. */
export function textWidth(text: string, fontSize: number, bold: boolean): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    units += c >= 32 && c < 127 ? table[c - 32]! : OTHER;
  }
  return (units / 100) * fontSize * MARGIN;
}

function isBold(w: TextItem['fontWeight']): boolean {
  if (w === null || w === undefined) return false;
  if (typeof w === 'number') return w >= 600;
  return w === 'bold' || w === 'bolder' || Number(w) >= 600;
}

function measure(item: TextItem, line: unknown): number {
  const size = item.fontSize !== null && item.fontSize !== undefined ? Number(item.fontSize) || 0 : 11;
  const text = line === null || line === undefined ? '' : String(line).trim();
  if (size <= 0 || text === '') return 0;
  const w = textWidth(text, size, isBold(item.fontWeight));
  // vega truncates to item.limit (with an ellipsis) using this same function;
  // report at most the limit so bounds match what is drawn.
  const limit = Number(item.limit ?? 0);
  return limit > 0 ? Math.min(w, limit) : w;
}

/** Runs fn with vega measuring text as above, then restores vega's own measure. */
export async function withTextMetrics<T>(fn: () => Promise<T>): Promise<T> {
  const saved = metrics.width;
  metrics.width = measure;
  try {
    return await fn();
  } finally {
    metrics.width = saved;
  }
}
