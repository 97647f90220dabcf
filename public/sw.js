// Samplan's service worker: the app shell works without a network.
//
// - Pages (navigations): the network first, so a new version is seen at
//   once; offline, the cached app page. There are two single-page apps:
//   the plan editor (every address) and the person's own view (/min-plan…).
//   Both pages and the files they name are cached when the worker installs,
//   so that even a first visit works offline afterwards.
// - The app's files (hashed names from scripts/build-app.sh: .js, .wasm,
//   .css) and icons:
//   from the cache, else from the network and then kept.
// - Never cached: /api/, /sync, /healthz, /metrics — plans and sessions
//   live in IndexedDB and on the server, not here.
// One cache per build: scripts/build-app.sh writes the build's hash in, so
// a new build installs anew (caching every file and wasm chunk its pages
// name) and the old build's cache is deleted when it takes over.
const CACHE = 'samplan-shell-__BUILD__';
const SHELLS = ['/', '/min-plan'];

function shellFor(url) {
  const home = url.pathname === '/min-plan' || url.pathname.startsWith('/min-plan/') || url.pathname === '/inbjudan';
  return home ? '/min-plan' : '/';
}

// A page and the scripts, wasm and styles it names (scripts/build-app.sh
// writes them as links with hashed names).
async function cacheShell(cache, shell) {
  const response = await fetch(shell, { cache: 'no-cache' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put(shell, response);
  const files = [...html.matchAll(/(?:href|src)="(\/[^"]+\.(?:js|wasm|css))"/g)].map((m) => m[1]);
  await cache.addAll([...new Set(files)]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => Promise.all(SHELLS.map((shell) => cacheShell(cache, shell).catch(() => {}))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function isDynamic(url) {
  return ['/api/', '/sync', '/healthz', '/metrics'].some((prefix) => url.pathname.startsWith(prefix));
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || isDynamic(url)) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          const html = (response.headers.get('content-type') || '').startsWith('text/html');
          if (response.ok && html) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(shellFor(url), copy));
          }
          return response;
        })
        .catch(() => caches.match(shellFor(url)).then((cached) => cached || Response.error())),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ||
        fetch(request).then((response) => {
          // Never a page stored as a file (the server answers a missing file with 404, but be sure).
          const html = (response.headers.get('content-type') || '').startsWith('text/html');
          if (response.ok && !html) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});
