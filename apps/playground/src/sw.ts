/**
 * The service worker (production builds only; storage/offline.ts registers
 * it): on install it caches every file of the build — page, scripts, the
 * lazily loaded backends, the wasm binaries and the MNIST subset — so the
 * playground works offline once loaded. Pages are fetched network-first (a
 * new deploy shows at once) with the cache as fallback; the hashed assets
 * cache-first. offline_plugin.ts writes the file list and the version in at
 * build time. Self-contained: it imports nothing.
 */

// Replaced at build time (offline_plugin.ts): the build's files, relative to the scope, and a hash of them.
const PRECACHE: string[] = JSON.parse('__PLAYGROUND_PRECACHE__');
const CACHE = 'playground-__PLAYGROUND_VERSION__';

// The DOM typings have no ServiceWorkerGlobalScope; these are the few parts used here.
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Promise<Response>): void;
}
const sw = self as unknown as {
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  registration: { scope: string };
  location: Location;
};

sw.addEventListener('install', (e) => {
  e.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(['./', ...PRECACHE].map((f) => new URL(f, sw.registration.scope).href));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('playground-') && key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

async function networkFirst(request: Request): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok) await (await caches.open(CACHE)).put(request, response.clone());
    return response;
  } catch (e) {
    // offline: the cached page, whatever its query (?fail=… only changes what the page injects)
    const cached = (await caches.match(request, { ignoreSearch: true })) ?? (await caches.match(new URL('./', sw.registration.scope).href));
    if (cached) return cached;
    throw e;
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

sw.addEventListener('fetch', (e) => {
  const { request } = e;
  if (request.method !== 'GET' || !request.url.startsWith(sw.registration.scope)) return;
  e.respondWith(request.mode === 'navigate' ? networkFirst(request) : cacheFirst(request));
});
