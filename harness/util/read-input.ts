/**
 * Reading a user's input file as text: a missing or unreadable file is one
 * InputError naming the file and why ("no such file", "a directory"), never
 * Node's own multi-part message.
 */
import { readFileSync } from 'node:fs';
import { InputError, describeIoError } from '../errors.ts';

/** The whole file as UTF-8 text. `what` names the file's role in the message ("a /proc/zoneinfo capture"). */
export function readInputText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError({ file: path, where: 'file', expected: `a readable file (${what})`, found: describeIoError(e) });
  }
}
