// Samplan's service worker: the app shell works without a network.
//
// - Pages (navigations): the network first, so a new version is seen at
//   once; offline, the cached app page. There are two single-page apps:
//   the plan editor (every address) and the person's own view (/min-plan…).
//   Both pages and the files they need are cached when the worker installs,
//   so that even a first visit works offline afterwards.
// - The app's files (hashed names from scripts/build-app.sh: .js, .wasm,
//   .css) and icons:
//   from the cache, else from the network and then kept.
// - Never cached: /api/, /sync, /healthz, /metrics — plans and sessions
//   live in IndexedDB and on the server, not here.
// One cache per build: scripts/build-app.sh writes its name in (the
// build's manifest names it too), so a new build installs anew (caching
// every page and file its manifest lists) and the old build's cache is
// deleted when it takes over.
const CACHE = '__CACHE__';
// What the build is (scripts/build-app.sh): its pages, and the files each needs.
const MANIFEST = '/build-manifest.json';

function shellFor(url) {
  const home = url.pathname === '/min-plan' || url.pathname.startsWith('/min-plan/') || url.pathname === '/inbjudan';
  return home ? '/min-plan' : '/';
}

// A page of the build (its address: '/' or '/min-plan') and the files it needs.
async function cachePage(cache, page) {
  const response = await fetch(page.path, { cache: 'no-cache' });
  if (!response.ok) return;
  await cache.put(page.path, response);
  await cache.addAll(page.files);
}

async function cacheBuild() {
  const response = await fetch(MANIFEST, { cache: 'no-cache' });
  if (!response.ok) return;
  const build = await response.json();
  const cache = await caches.open(CACHE);
  await Promise.all(build.pages.map((page) => cachePage(cache, page).catch(() => {})));
}

// Static routes (where the browser has them: Chromium's static routing
// API): the build's files straight from the cache, and the server's
// dynamic addresses straight from the network, without running this
// worker's script for each. An open plan asks for well over a hundred wasm
// chunks; each fetch event cost this worker's thread 1-2 ms, and the
// plan's sections waited ~250 ms for their chunks behind them. A file not
// in the cache still comes from the network (and is then not kept: the
// worker caches every file of the build when it installs).
function addStaticRoutes(event) {
  if (typeof event.addRoutes !== 'function') return;
  const built = ['/app-*', '/hem/*'].map((pathname) => ({ condition: { urlPattern: { pathname } }, source: 'cache' }));
  const dynamic = ['/api/*', '/sync', '/healthz', '/metrics'].map((pathname) => ({
    condition: { urlPattern: { pathname } },
    source: 'network',
  }));
  return event.addRoutes([...built, ...dynamic]);
}

self.addEventListener('install', (event) => {
  try {
    const added = addStaticRoutes(event);
    if (added && typeof added.catch === 'function') added.catch(() => {});
  } catch (error) {
    // An older browser's form of the API: the fetch handler below does it all.
  }
  event.waitUntil(
    cacheBuild()
      .catch(() => {})
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

// Web Push (server/src/notifications/push.rs): a notice is the words of
// its kind of event and a link, no more; shown as a notification, and a
// tap opens the link.
self.addEventListener('push', (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch {
    notice = {};
  }
  event.waitUntil(
    self.registration.showNotification(notice.title || 'Samplan', {
      body: notice.body || 'Något i en plan i Samplan väntar på dig.',
      tag: notice.tag,
      data: { url: notice.url || '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(self.clients.openWindow(url));
});
