import type { DataId } from './types.js';

/** The handle a DataStore mints: a fresh object per buffer; the serial only makes errors readable. */
class StoreId {
  constructor(readonly serial: number) {}
}

/**
 * The bookkeeping every backend's storage needs: mint a fresh DataId per
 * buffer, find an entry with a clear error for unknown or disposed ids, count
 * buffers and bytes. Entries are whatever the backend keeps (typed arrays,
 * heap offsets, textures).
 */
export class DataStore<Entry> {
  private readonly entries = new Map<DataId, Entry>();
  private bytes = 0;
  private serial = 0;

  /** @param backend the backend's name, for errors. @param bytesOf what an entry holds. */
  constructor(
    private readonly backend: string,
    private readonly bytesOf: (entry: Entry) => number,
  ) {}

  add(entry: Entry): DataId {
    const id = new StoreId(++this.serial);
    this.entries.set(id, entry);
    this.bytes += this.bytesOf(entry);
    return id;
  }

  /** The entry of `id`; throws naming `op` when the id is unknown or already disposed. */
  get(id: DataId, op: string): Entry {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      const which = id instanceof StoreId ? `buffer #${id.serial}` : 'a dataId this backend did not create';
      throw new Error(`${this.backend} backend: ${op}: ${which} is unknown or already disposed`);
    }
    return entry;
  }

  has(id: DataId): boolean {
    return this.entries.has(id);
  }

  /** Forget `id` and return its entry (the caller frees what it holds). */
  delete(id: DataId, op = 'disposeData'): Entry {
    const entry = this.get(id, op);
    this.entries.delete(id);
    this.bytes -= this.bytesOf(entry);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  get numBytes(): number {
    return this.bytes;
  }

  values(): IterableIterator<Entry> {
    return this.entries.values();
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
