import { parseJsonLines, type LogRecord } from './records.js';

/** Where records go. Every writer also keeps them in memory (`records`) for reports. */
export interface LogWriter {
  readonly records: LogRecord[];
  write(record: LogRecord): void;
}

/** Keeps records in an array: the writer for browsers and tests. */
export class MemoryWriter implements LogWriter {
  readonly records: LogRecord[] = [];
  write(record: LogRecord): void {
    this.records.push(record);
  }
}

type AppendFn = (path: string, data: string) => void;

/**
 * Appends each record as one JSON line to a file (Node), synchronously, so a
 * crashed run keeps everything written before the crash. Open it with
 * `await JsonLinesWriter.open(path)`; elsewhere use MemoryWriter.
 */
export class JsonLinesWriter implements LogWriter {
  readonly records: LogRecord[] = [];
  private constructor(
    readonly path: string,
    private readonly append: AppendFn,
  ) {}

  /** Create (or, with `append: true`, extend) the file at `path`; its folder is created. */
  static async open(path: string, options: { append?: boolean } = {}): Promise<JsonLinesWriter> {
    const fs = await nodeFs('JsonLinesWriter.open');
    const { dirname } = await import('node:path');
    fs.mkdirSync(dirname(path), { recursive: true });
    if (!options.append) fs.writeFileSync(path, '');
    return new JsonLinesWriter(path, (p, d) => fs.appendFileSync(p, d));
  }

  write(record: LogRecord): void {
    this.records.push(record);
    this.append(this.path, `${JSON.stringify(record)}\n`);
  }
}

/** Read a JSON-lines log file (Node). */
export async function readJsonLines(path: string): Promise<LogRecord[]> {
  const fs = await nodeFs('readJsonLines');
  return parseJsonLines(fs.readFileSync(path, 'utf8'));
}

/** A writer for `path` when given and running in Node, else an in-memory one. */
export async function openLog(path?: string | null): Promise<LogWriter> {
  if (path && isNode()) return JsonLinesWriter.open(path);
  return new MemoryWriter();
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

async function nodeFs(op: string): Promise<typeof import('node:fs')> {
  if (!isNode()) throw new Error(`${op}: files need Node; in a browser use MemoryWriter and toJsonLines(records)`);
  return import('node:fs');
}
