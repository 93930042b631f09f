// Datasets streamed from files in Node: CSV lines and image folders. Nothing
// is read until a pass iterates, and then one line or one image at a time.
// node:* and the image decoders are imported on first use, so importing the
// package stays browser-safe.
import { tensor, type Tensor } from '@polytensor/core';
import { DatasetError } from '../errors.js';
import { Dataset } from './dataset.js';

function requireNode(op: string): void {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof proc?.versions?.node !== 'string')
    throw new DatasetError(`${op}: streaming files needs Node.js; in a browser, fetch the data and use fromArray or fromAsyncIterable`);
}

/** Split one CSV line: fields separated by `delimiter`, "quoted" fields may hold it, "" is a quote. */
export function parseCsvLine(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) throw new DatasetError('an opening quote is never closed');
  out.push(field);
  return out;
}

export interface CsvOptions {
  /** The first line names the columns (default true). */
  hasHeader?: boolean;
  /** Column names when there is no header (default col0, col1, …). */
  columnNames?: string[];
  /** Default ','. */
  delimiter?: string;
  /** Label column(s): elements become { xs: number[] (the other columns, in order), ys: number (or number[] for several) }. */
  label?: string | string[];
  /** Columns to leave out of xs. */
  ignore?: string[];
}

/**
 * The rows of a CSV file, streamed line by line. With `label`, each element
 * is `{ xs, ys }` of numbers, ready to batch() for fitDataset; without, a
 * record by column name (numbers where a field is numeric, else the text). A
 * malformed row names the file, the line and the column.
 * @example
 * const ds = csv('data/iris.csv', { label: 'species' }).shuffle(150, 1).batch(16);
 */
/** A CSV element: features and labels, or a row by column name. */
export type CsvElement = { xs: number[]; ys: number | number[] } | Record<string, number | string>;

export function csv(path: string, options: CsvOptions = {}): Dataset<CsvElement> {
  if (typeof path !== 'string' || path.length === 0) throw new DatasetError(`csv: path must be a file path, got ${JSON.stringify(path)}`);
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"')
    throw new DatasetError(`csv: delimiter must be one character other than '"', got ${JSON.stringify(delimiter)}`);
  const labels = options.label === undefined ? [] : Array.isArray(options.label) ? options.label : [options.label];
  const ignore = new Set(options.ignore ?? []);
  return new Dataset<CsvElement>(() => {
    requireNode('csv');
    let lines: AsyncIterator<string> | null = null;
    let stream: { destroy(): void } | null = null;
    let lineNo = 0;
    let names: string[] | null = options.hasHeader === false ? (options.columnNames ?? null) : null;
    let featureCols: number[] = [];
    let labelCols: number[] = [];
    const open = async (): Promise<AsyncIterator<string>> => {
      const [{ createReadStream }, { createInterface }] = await Promise.all([import('node:fs'), import('node:readline')]);
      const s = createReadStream(path, { encoding: 'utf8' });
      await new Promise<void>((resolve, reject) => {
        s.once('open', () => resolve());
        s.once('error', (e) => reject(new DatasetError(`csv: cannot read ${path}: ${(e as Error).message}`)));
      });
      stream = s;
      return createInterface({ input: s, crlfDelay: Infinity })[Symbol.asyncIterator]();
    };
    const layout = (n: number): void => {
      names ??= Array.from({ length: n }, (_, i) => `col${i}`);
      const missing = labels.filter((l) => !names!.includes(l));
      if (missing.length) throw new DatasetError(`csv: ${path} has no column ${missing.map((m) => `'${m}'`).join(', ')} (columns: ${names.join(', ')})`);
      labelCols = labels.map((l) => names!.indexOf(l));
      featureCols = names.map((_, i) => i).filter((i) => !labelCols.includes(i) && !ignore.has(names![i]!));
    };
    return {
      async next(): Promise<IteratorResult<CsvElement>> {
        lines ??= await open();
        for (;;) {
          const r = await lines.next();
          if (r.done) return { done: true, value: undefined };
          lineNo++;
          const text = r.value;
          if (text.trim() === '') continue;
          let fields: string[];
          try {
            fields = parseCsvLine(text, delimiter);
          } catch (e) {
            throw new DatasetError(`csv: ${path} line ${lineNo}: ${(e as Error).message}`);
          }
          if (lineNo === 1 && options.hasHeader !== false) {
            names = fields.map((f) => f.trim());
            layout(names.length);
            continue;
          }
          if (!featureCols.length && !labelCols.length) layout(fields.length);
          if (fields.length !== names!.length) {
            throw new DatasetError(`csv: ${path} line ${lineNo} has ${fields.length} fields but the header has ${names!.length}; fix the row`);
          }
          const num = (i: number): number => {
            const v = fields[i]!.trim();
            const n = v === '' ? Number.NaN : Number(v);
            if (!Number.isFinite(n)) throw new DatasetError(`csv: ${path} line ${lineNo}, column '${names![i]}': ${JSON.stringify(fields[i])} is not a number`);
            return n;
          };
          if (labels.length) {
            const ys = labelCols.map(num);
            return { done: false, value: { xs: featureCols.map(num), ys: ys.length === 1 ? ys[0]! : ys } };
          }
          const row: Record<string, number | string> = {};
          names!.forEach((name, i) => {
            if (ignore.has(name)) return;
            const v = fields[i]!.trim();
            const n = Number(v);
            row[name] = v !== '' && Number.isFinite(n) ? n : fields[i]!;
          });
          return { done: false, value: row };
        }
      },
      async return(): Promise<IteratorResult<CsvElement>> {
        await lines?.return?.();
        (stream as { destroy(): void } | null)?.destroy();
        return { done: true, value: undefined };
      },
    };
  });
}

export interface ImageFolderOptions {
  /** One channel (luminance) instead of three. */
  grayscale?: boolean;
  /** [height, width] every image must have (checked per image); default the first image's. */
  size?: [number, number];
}

const IMAGE = /\.(png|jpe?g)$/i;

/**
 * Images in a class-per-folder layout (`dir/<class>/*.png|jpg`) as
 * `{ xs: Tensor [h, w, c] in [0, 1], ys: class index }`. The file list and
 * the class names (sorted: the index of a class is its position) are read
 * when a pass starts; each image is read and decoded only when reached.
 * PNG through pngjs, JPEG through jpeg-js (pure JavaScript: nothing to build).
 */
export function imageFolder(dir: string, options: ImageFolderOptions = {}): Dataset<{ xs: Tensor; ys: number }> & { classNames(): Promise<string[]> } {
  if (typeof dir !== 'string' || dir.length === 0) throw new DatasetError(`imageFolder: dir must be a folder path, got ${JSON.stringify(dir)}`);
  const listing = async (): Promise<{ classes: string[]; files: Array<[string, number]> }> => {
    requireNode('imageFolder');
    const [{ readdir }, { join }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
    const entries = await readdir(dir, { withFileTypes: true }).catch((e: unknown) => {
      throw new DatasetError(`imageFolder: cannot read ${dir}: ${(e as Error).message}`);
    });
    const classes = entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    if (classes.length === 0) throw new DatasetError(`imageFolder: ${dir} has no class folders; put each class's images in dir/<class>/`);
    const files: Array<[string, number]> = [];
    for (const [k, c] of classes.entries()) {
      const names = (await readdir(join(dir, c))).filter((f) => IMAGE.test(f)).sort();
      for (const f of names) files.push([join(dir, c, f), k]);
    }
    if (files.length === 0) throw new DatasetError(`imageFolder: ${dir} has class folders but no .png or .jpg images`);
    return { classes, files };
  };
  const ds = new Dataset<{ xs: Tensor; ys: number }>(() => {
    let list: Promise<{ files: Array<[string, number]> }> | null = null;
    let i = 0;
    let size = options.size ?? null;
    return {
      async next() {
        const { files } = await (list ??= listing());
        if (i >= files.length) return { done: true, value: undefined };
        const [file, label] = files[i++]!;
        const { width, height, rgba } = await decode(file);
        if (size && (size[0] !== height || size[1] !== width)) {
          throw new DatasetError(`imageFolder: ${file} is ${height}×${width} but the images before it are ${size[0]}×${size[1]}; resize them to one size`);
        }
        size = [height, width];
        const c = options.grayscale ? 1 : 3;
        const out = new Float32Array(height * width * c);
        for (let p = 0; p < height * width; p++) {
          const [r, g, b] = [rgba[4 * p]!, rgba[4 * p + 1]!, rgba[4 * p + 2]!];
          if (c === 1) out[p] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
          else {
            out[3 * p] = r / 255;
            out[3 * p + 1] = g / 255;
            out[3 * p + 2] = b / 255;
          }
        }
        return { done: false, value: { xs: tensor(out, [height, width, c]), ys: label } };
      },
      async return() {
        i = Number.MAX_SAFE_INTEGER;
        return { done: true, value: undefined };
      },
    };
  });
  return Object.assign(ds, { classNames: async () => (await listing()).classes });
}

async function decode(file: string): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(file);
  try {
    if (/\.png$/i.test(file)) {
      const { PNG } = await import('pngjs');
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
    }
    const jpeg = await import('jpeg-js');
    const img = (jpeg.default ?? jpeg).decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (e) {
    throw new DatasetError(`imageFolder: cannot decode ${file}: ${(e as Error).message}`);
  }
}
