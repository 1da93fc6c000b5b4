/** Small helpers to walk and edit parsed JSON by path, for the fuzz generators. */

export type Path = (string | number)[];
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export function isObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every path in `root` with its value (the root itself left out), depth first. */
export function allPaths(root: Json): { path: Path; value: Json }[] {
  const out: { path: Path; value: Json }[] = [];
  const walk = (v: Json, path: Path): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push({ path: [...path, i], value: x });
        walk(x, [...path, i]);
      });
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        out.push({ path: [...path, k], value: x });
        walk(x, [...path, k]);
      }
    }
  };
  walk(root, []);
  return out;
}

export function getAt(root: Json, path: Path): Json | undefined {
  let cur: Json | undefined = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[seg];
  }
  return cur;
}

/** Set the value at `path`, creating objects on the way. */
export function setAt(root: Json, path: Path, value: Json): void {
  let cur = root as Record<string | number, Json>;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next = cur[seg];
    if (next === null || typeof next !== 'object') cur[seg] = typeof path[i + 1] === 'number' ? [] : {};
    cur = cur[seg] as Record<string | number, Json>;
  }
  cur[path[path.length - 1]!] = value;
}

export function deleteAt(root: Json, path: Path): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isObject(parent)) delete parent[last as string];
}

/** `workload.pressure[0].startMs` -> `workload.pressure[].startMs` (the schema's path). */
export function schemaPath(path: Path): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? '[]' : out === '' ? seg : `.${seg}`;
  return out;
}

/** `workload.pressure[0].startMs` */
export function dotted(path: Path): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}
