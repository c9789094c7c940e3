/**
 * One copy of each repeated string in a long-lived cache. Every value a database row brings is a
 * string of its own: a 20,000-unit catalog held 20,000 copies of the same building id, layout name,
 * orientation and kind. Interning them while the cache is built keeps one of each (a uuid costs ~56
 * bytes, a short Chinese label ~32); the values compare equal exactly as before.
 */
export type Intern = <T extends string>(value: T) => T;

/** A pool for one build of a cache: let it go with the build, not kept across loads. */
export function stringPool(): Intern {
  const pool = new Map<string, string>();
  return <T extends string>(value: T): T => {
    const known = pool.get(value);
    if (known !== undefined) return known as T;
    pool.set(value, value);
    return value;
  };
}
