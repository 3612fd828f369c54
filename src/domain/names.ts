/**
 * Names as Azure compares them: vault, VM and code names are case-insensitive, and a name seen in several
 * spellings is shown in one of them, whatever order the jobs came in. Pure.
 */

/** Case-insensitive grouping key of a vault, VM or code name. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/** Identity of a VM: its name within its vault, case-insensitive. */
export function vmKey(vm: string, vault: string): string {
  return `${nameKey(vm)}\u0000${nameKey(vault)}`;
}

/** The smallest spelling (code-point order) of a name seen in several spellings. */
export function displayName(names: readonly string[]): string {
  let best = names[0] ?? "";
  for (const n of names) if (n.trim() < best.trim()) best = n;
  return best.trim();
}
