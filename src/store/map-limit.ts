/**
 * Bounded concurrency for partition-by-partition reads and writes.
 */

/** Runs `fn` over `items` with at most `limit` at a time; after a failure no new item starts, and the first failure is thrown once the running ones settle. */
export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}

/**
 * `fn` of each item, yielded in the items' order, with at most `limit` calls started and not yet taken: the
 * next call starts as one result is taken, so at most `limit` results are held at any time. A failure is
 * thrown when its result's turn comes (calls already started then settle unobserved).
 */
export async function* mapOrdered<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const pending: (Promise<R> | undefined)[] = [];
  const start = (i: number): void => {
    if (i >= items.length) return;
    const p = fn(items[i] as T);
    p.catch(() => undefined); // observed when its turn comes
    pending[i] = p;
  };
  for (let i = 0; i < Math.min(limit, items.length); i++) start(i);
  for (let i = 0; i < items.length; i++) {
    const result = await (pending[i] as Promise<R>);
    pending[i] = undefined; // released: only the results not yet taken stay referenced
    start(i + Math.max(1, limit));
    yield result;
  }
}
