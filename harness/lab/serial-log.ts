/**
 * Reading what a guest printed on its serial console: the sections between
 * the /init's marker lines (init-script.ts). Matching is lenient, as the
 * serial line is: a line may end in \r, carry terminal escape codes, or have
 * a kernel message glued before the marker.
 */
import { gunzipSync } from 'node:zlib';

export interface SerialLog {
  /** Section name -> its text (decoded for gzip-base64 sections), lines joined with \n. */
  sections: Map<string, string>;
  /** `@@NB-ERROR ...@@` reports of the guest. */
  errors: string[];
  /** Whether the guest printed `@@NB-DONE@@`. */
  done: boolean;
  /** Sections that began and did not end, or whose encoding could not be decoded. */
  broken: string[];
}

/** `text` without terminal escape sequences (CSI, OSC, two-byte ESC codes) and without \r. */
export function stripTerminal(text: string): string {
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '')
    .replace(/\u001b[()][0-9A-Za-z]/g, '')
    .replace(/\u001b[0-~]/g, '')
    .replace(/\r/g, '');
}

/** A printk line with its timestamp (Debian kernels have CONFIG_PRINTK_TIME), to the end of the line. */
const KERNEL_MESSAGE = /\[\s*\d+\.\d+\][^\n]*/g;

const BEGIN = /@@NB-BEGIN (\S+) (\S+)@@/;
const END = /@@NB-END (\S+)@@/;
const ERROR = /@@NB-ERROR ([^@]*)@@/;

/** The sections, errors and completion of a serial log. */
export function parseSerialLog(raw: string): SerialLog {
  const lines = stripTerminal(raw).split('\n');
  const sections = new Map<string, string>();
  const errors: string[] = [];
  const broken: string[] = [];
  let done = false;
  let open: { name: string; encoding: string; lines: string[] } | undefined;
  for (const line of lines) {
    const b = BEGIN.exec(line);
    if (b) {
      if (open) broken.push(open.name);
      open = { name: b[1]!, encoding: b[2]!, lines: [] };
      continue;
    }
    const e = END.exec(line);
    if (e && open && e[1] === open.name) {
      // Text printed on the END line before the marker (no newline before it) still belongs to the section.
      const before = line.slice(0, e.index);
      if (before.trim()) open.lines.push(before);
      const decoded = decodeSection(open.lines, open.encoding);
      if (decoded === undefined) broken.push(open.name);
      else sections.set(open.name, decoded);
      open = undefined;
      continue;
    }
    const err = ERROR.exec(line);
    if (err) {
      errors.push(err[1]!.trim());
      continue;
    }
    if (line.includes('@@NB-DONE@@')) {
      done = true;
      continue;
    }
    if (open) open.lines.push(line);
  }
  if (open) broken.push(open.name);
  return { sections, errors, done, broken };
}

function decodeSection(lines: string[], encoding: string): string | undefined {
  if (encoding === 'text') return lines.length ? `${lines.join('\n')}\n` : '';
  if (encoding === 'gzip-base64') {
    // A kernel message can land inside the stream (an EMERG one passes any
    // console loglevel, e.g. "[   78.06] Disabling IRQ #4" mid-line on 6.12-rt):
    // drop it before decoding; gzip's CRC still catches anything else.
    const b64 = lines.map((l) => l.replace(KERNEL_MESSAGE, '')).join('').replace(/[^A-Za-z0-9+/=]/g, '');
    try {
      return gunzipSync(Buffer.from(b64, 'base64')).toString('utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}
