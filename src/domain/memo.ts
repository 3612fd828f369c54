/** A memo, bounded where the keys are unbounded (codes, VM names), for values asked for over and over. Pure. */

/** `make(key)`, kept in `cache` for the next call; the cache is emptied once it holds `limit` values. */
export function memoised<V>(cache: Map<string, V>, key: string, limit: number, make: (key: string) => V): V {
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = make(key);
    if (cache.size >= limit) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}
