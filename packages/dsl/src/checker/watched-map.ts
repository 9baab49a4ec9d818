/**
 * A Map that tells a log what is read from it and written to it while a declaration is being checked. The
 * incremental check (checker/declaration-memo.ts) builds the symbol table and the side tables from these, so
 * that it knows exactly which shared entries a declaration's result depended on: no list of dependencies is
 * kept by hand, and a read that is not logged cannot happen.
 */
export interface MapLog {
  /** `key` was looked up (get or has) and gave `value`. */
  read(map: WatchedMap<unknown, unknown>, key: unknown, value: unknown): void;
  /** Every key of the map was looked at (iteration, a list of keys, the size). */
  scan(map: WatchedMap<unknown, unknown>): void;
  write(map: WatchedMap<unknown, unknown>, key: unknown, value: unknown): void;
  /** A delete or clear: the incremental check does not replay those, so the declaration is never reused. */
  erase(map: WatchedMap<unknown, unknown>): void;
  /** A declared name was marked used (SymbolTable.markUsed). */
  markUsed(symbol: unknown): void;
}

/** Where the maps report: `current` is set only while a declaration is being recorded, so other use costs a test. */
export class Watch {
  current: MapLog | undefined;
}

export class WatchedMap<K, V> extends Map<K, V> {
  constructor(
    /** For messages and tests: which table or namespace this is. */
    readonly label: string,
    private readonly watch: Watch,
  ) {
    super();
  }

  override get(key: K): V | undefined {
    const value = super.get(key);
    this.watch.current?.read(this as WatchedMap<unknown, unknown>, key, value);
    return value;
  }

  override has(key: K): boolean {
    this.watch.current?.read(this as WatchedMap<unknown, unknown>, key, super.get(key));
    return super.has(key);
  }

  override set(key: K, value: V): this {
    // `watch` is unset while Map's own constructor runs (it sets nothing without an iterable, but be safe).
    this.watch?.current?.write(this as WatchedMap<unknown, unknown>, key, value);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.watch.current?.erase(this as WatchedMap<unknown, unknown>);
    return super.delete(key);
  }

  override clear(): void {
    this.watch.current?.erase(this as WatchedMap<unknown, unknown>);
    super.clear();
  }

  override keys(): MapIterator<K> {
    this.watch.current?.scan(this as WatchedMap<unknown, unknown>);
    return super.keys();
  }

  override values(): MapIterator<V> {
    this.watch.current?.scan(this as WatchedMap<unknown, unknown>);
    return super.values();
  }

  override entries(): MapIterator<[K, V]> {
    this.watch.current?.scan(this as WatchedMap<unknown, unknown>);
    return super.entries();
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    this.watch.current?.scan(this as WatchedMap<unknown, unknown>);
    super.forEach(callback, thisArg);
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.watch.current?.scan(this as WatchedMap<unknown, unknown>);
    return super[Symbol.iterator]();
  }

  /** The keys as they are now, without logging a read (for comparing a scan with an earlier one). */
  keySignature(): string {
    return [...super.keys()].map(String).join("\u0000");
  }

  /** A value as it is now, without logging a read. */
  peek(key: K): V | undefined {
    return super.get(key);
  }
}

// `size` is an accessor of Map.prototype; TypeScript declares it as a property, so it is wrapped here.
const sizeOfMap = Object.getOwnPropertyDescriptor(Map.prototype, "size")!.get!;
Object.defineProperty(WatchedMap.prototype, "size", {
  get(this: WatchedMap<unknown, unknown>) {
    (this as unknown as { watch: Watch }).watch.current?.scan(this);
    return sizeOfMap.call(this) as number;
  },
});
