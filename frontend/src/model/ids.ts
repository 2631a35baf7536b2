// Fresh node ids: identifiers the server accepts (they become Python names in exports).

/** "Conv2d" -> "conv2d_1" (or _2, ... when taken). */
export function freshId(base: string, taken: ReadonlySet<string>): string {
  let stem = base.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase() || 'node';
  if (!/^[A-Za-z_]/.test(stem)) stem = `n_${stem}`;
  stem = stem.slice(0, 56);
  for (let i = 1; ; i += 1) {
    const id = `${stem}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/** A block name not yet used by a block or an op: "Block1", "Block2", ... */
export function freshBlockName(taken: ReadonlySet<string>, stem = 'Block'): string {
  for (let i = 1; ; i += 1) {
    const name = `${stem}${i}`;
    if (!taken.has(name)) return name;
  }
}
