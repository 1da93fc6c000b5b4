/**
 * Where the lab keeps what it downloads and captures: outside the clone, in
 * the user's cache directory (XDG), so a rerun or a fresh clone on the same
 * machine reuses it. The caller may rely on an absolute path; nothing is
 * created here.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** `${XDG_CACHE_HOME:-$HOME/.cache}/nolock-bench/lab` (an empty or relative XDG_CACHE_HOME is ignored, as the XDG spec says). */
export function labCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir(), '.cache');
  return join(base, 'nolock-bench', 'lab');
}
