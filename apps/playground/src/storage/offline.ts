/**
 * Registers the service worker (src/sw.ts) in built pages (not the dev server), so the page
 * works offline once loaded. `document.body.dataset.offline` says how far it
 * got: 'ready' once every file is cached, or 'unavailable' (the page works
 * the same, only not offline).
 */
declare const __PLAYGROUND_OFFLINE__: boolean;

export function registerOfflineCache(): void {
  const body = document.body;
  if (!__PLAYGROUND_OFFLINE__) return; // vite.config.ts: built pages only
  if (!('serviceWorker' in navigator)) {
    // no service workers here (or not https/localhost): the page works the same, only not offline
    body.dataset['offline'] = 'unavailable';
    return;
  }
  const register = async (): Promise<void> => {
    try {
      await navigator.serviceWorker.register(new URL('sw.js', document.baseURI).href);
      await navigator.serviceWorker.ready;
      body.dataset['offline'] = 'ready';
    } catch (e) {
      body.dataset['offline'] = 'unavailable';
      console.warn('playground: offline cache unavailable:', e);
    }
  };
  // after the load: caching the whole build must not compete with the first paint
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });
}
