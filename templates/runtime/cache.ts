/**
 * A bounded cache for what clients choose the keys of (their address, their User-Agent): two
 * generations of at most `capacity / 2` entries each. An entry used again moves to the current
 * one; when the current one is full, the older one is dropped whole. Every step is O(1), where a
 * least-recently-used Map pays for the holes its deletions leave.
 */
export class GenerationCache<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private readonly half: number;

  constructor(capacity: number) {
    this.half = capacity / 2;
  }

  /** The value for `key`, made by `make(arg)` when the cache has none (an argument, not a closure: no allocation per call). */
  get<A>(key: string, make: (arg: A) => V, arg: A): V {
    const found = this.current.get(key);
    if (found !== undefined) return found;
    let value = this.previous.get(key);
    if (value !== undefined) this.previous.delete(key);
    else value = make(arg);
    if (this.current.size >= this.half) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
    return value;
  }
}
