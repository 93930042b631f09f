/** Fetch the MNIST subset that the build ships under mnist/ (see mnist_assets.ts), with progress. */

export interface MnistSplit {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

async function fetchBytes(url: string, onBytes: (n: number) => void): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok || !res.body)
    throw new Error(`MNIST: fetching ${url} failed (${res.status} ${res.statusText}); rebuild the playground (vite build) so dist/mnist/ exists`);
  const parts: Uint8Array[] = [];
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    onBytes(value.length);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Both splits, pixels scaled to [0, 1]; `onProgress` gets bytes loaded and the total. */
export async function loadMnistSubset(dataUrl: string, onProgress: (loaded: number, total: number) => void): Promise<{ train: MnistSplit; test: MnistSplit }> {
  const manifestRes = await fetch(new URL('manifest.json', dataUrl));
  if (!manifestRes.ok) throw new Error(`MNIST: no manifest at ${dataUrl}manifest.json (${manifestRes.status}); rebuild the playground`);
  const counts = (await manifestRes.json()) as { train: number; test: number };
  const total = (counts.train + counts.test) * 785;
  let loaded = 0;
  const tick = (n: number): void => {
    loaded += n;
    onProgress(loaded, total);
  };
  const split = async (name: 'train' | 'test'): Promise<MnistSplit> => {
    const count = counts[name];
    const [pixels, labels] = await Promise.all([
      fetchBytes(new URL(`${name}-images.u8`, dataUrl).href, tick),
      fetchBytes(new URL(`${name}-labels.u8`, dataUrl).href, tick),
    ]);
    if (pixels.length !== count * 784 || labels.length !== count) {
      throw new Error(
        `MNIST: ${name} files hold ${pixels.length} pixel bytes and ${labels.length} labels, expected ${count * 784} and ${count}; rebuild the playground`,
      );
    }
    return { images: Float32Array.from(pixels, (p) => p / 255), labels: Int32Array.from(labels), count };
  };
  const [train, test] = await Promise.all([split('train'), split('test')]);
  return { train, test };
}
