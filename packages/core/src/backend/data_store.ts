import type { BackendMemory, DataId } from './types.js';

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

/**
 * The storage methods that need only the DataStore, for a backend's storage
 * class to extend: disposeData, numDataIds, memory and clear. A subclass adds
 * write/read/readSync and, when an entry holds more than host memory (heap
 * blocks, textures), frees it in `free`.
 */
export abstract class BufferStorage<Entry> {
  protected readonly buffers: DataStore<Entry>;

  /** @param backend the backend's name, for errors. @param bytesOf what an entry holds. */
  constructor(backend: string, bytesOf: (entry: Entry) => number) {
    this.buffers = new DataStore<Entry>(backend, bytesOf);
  }

  /** Release what `entry` holds beyond host memory; called once per buffer. */
  protected free(_entry: Entry): void {}

  disposeData(dataId: DataId): void {
    this.free(this.buffers.delete(dataId));
  }

  numDataIds(): number {
    return this.buffers.size;
  }

  memory(): BackendMemory {
    return { numDataIds: this.buffers.size, numBytes: this.buffers.numBytes };
  }

  /** Free every buffer (backend disposal). */
  clear(): void {
    for (const entry of this.buffers.values()) this.free(entry);
    this.buffers.clear();
  }
}
