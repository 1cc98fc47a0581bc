// The till's service worker: keeps the till loading with no network. The page and its assets
// are answered from the cache at once and refreshed from the server behind it (the next load
// gets a new version); API calls always go to the network (the till queues what fails).

const CACHE = "kasir-till-v1";
const SHELL = [
  "/till",
  "/web/kasir.css",
  "/web/common.js",
  "/web/api.js",
  "/web/session.js",
  "/web/choose.js",
  "/web/pricing.js",
  "/web/till-sync.js",
  "/web/till.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  const path = url.pathname;
  if (path !== "/till" && !path.startsWith("/web/")) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const key = path === "/till" ? "/till" : event.request;
    // The server varies its answers by Origin (CORS); a module script asks with one, the
    // install without: the same file either way.
    const cached = await cache.match(key, { ignoreVary: true });
    const fresh = fetch(event.request).then(async (res) => {
      if (res.ok) await cache.put(key, res.clone());
      return res;
    });
    if (cached) {
      event.waitUntil(fresh.catch(() => {}));
      return cached;
    }
    return fresh;
  })());
});
