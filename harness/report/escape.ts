/**
 * HTML escaping for every piece of text that comes from an input (scenario
 * names and descriptions, strategy titles, parameters, violation messages,
 * error texts, the command line). Escapes the five characters that matter in
 * element content and in quoted attribute values, so the result is safe in both.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  const s = typeof value === 'string' ? value : String(value);
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
