/** Unit codes typed into a box (commas, spaces, 、 or new lines between them) → the units' ids, and the codes no unit has. */
export function parseUnitCodes(
  text: string,
  units: readonly { id: string; code: string }[],
): { ids: string[]; unknown: string[] } {
  const byCode = new Map(units.map((u) => [u.code.toUpperCase(), u.id]));
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const raw of text.split(/[\s,，、;；]+/)) {
    const code = raw.trim();
    if (!code) continue;
    const id = byCode.get(code.toUpperCase());
    if (id) ids.add(id);
    else if (!unknown.includes(code)) unknown.push(code);
  }
  return { ids: [...ids], unknown };
}
