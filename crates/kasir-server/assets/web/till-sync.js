// The till's offline store and sync engine. Everything the till sells from (catalog, prices,
// promotions, payment methods, its outlets' shifts and sales) is pulled from `/sync/pull` into
// IndexedDB and applied by version. What the till does is sent at once when the server answers;
// otherwise it waits in IndexedDB's queue, with its own ids, and goes out with `/sync/push`
// when the network returns: in order, each change once (the server dedupes by
// `client_change_id`, so a resend after a lost answer changes nothing).

import { getSyncPull, postSyncPush } from "./api.js";
import { uuid } from "./common.js";
import { auth } from "./session.js";

/** What the till pulls. */
const ENTITIES = "tenant,outlet,category,tax,modifier_group,product,payment_method,promotion,voucher,customer,shift,sale,refund";
const PUSH_BATCH = 50;

let idb = null;
/** entity → Map(id → {entity, id, version, data}) */
const cache = new Map();
const listeners = new Set();

export const status = { online: true, queued: 0, lastSync: null, syncing: false, problems: 0 };

/** Calls `fn` after every change of the status or the records. */
export function subscribe(fn) {
  listeners.add(fn);
}

function notify() {
  for (const fn of listeners) fn();
}

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function store(name, mode = "readonly") {
  return idb.transaction(name, mode).objectStore(name);
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

/** Opens the database and loads the records into memory. */
export async function open() {
  const r = indexedDB.open("kasir-till", 1);
  r.onupgradeneeded = () => {
    const db = r.result;
    db.createObjectStore("records", { keyPath: ["entity", "id"] });
    db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
    db.createObjectStore("meta", { keyPath: "key" });
  };
  idb = await request(r);
  for (const rec of await request(store("records").getAll())) remember(rec);
  status.lastSync = await meta("last_sync");
  await count();
}

function remember(rec) {
  if (!cache.has(rec.entity)) cache.set(rec.entity, new Map());
  cache.get(rec.entity).set(rec.id, rec);
}

/** The records of `entity` (their `data`). */
export function all(entity) {
  return [...(cache.get(entity)?.values() || [])].map((r) => r.data);
}

/** The record `id` of `entity` (its `data`), or undefined. */
export function get(entity, id) {
  return cache.get(entity)?.get(id)?.data;
}

export async function meta(key) {
  return (await request(store("meta").get(key)))?.value ?? null;
}

export async function setMeta(key, value) {
  await request(store("meta", "readwrite").put({ key, value }));
}

/** This browser's device id (made once, kept with the till's data). */
export async function deviceId() {
  let id = await meta("device_id");
  if (!id) {
    id = uuid();
    await setMeta("device_id", id);
  }
  return id;
}

/** Keeps records that the server sent (pulled or answered), newer versions only. */
export async function put(entity, id, version, data) {
  const old = cache.get(entity)?.get(id);
  if (old && old.version > version) return;
  const rec = { entity, id, version, data };
  remember(rec);
  await request(store("records", "readwrite").put(rec));
}

async function forget(entity, id) {
  cache.get(entity)?.delete(id);
  await request(store("records", "readwrite").delete([entity, id]));
}

/** The queue: `{seq, client_change_id, entity, id, op, base_version, data, state, error, conflict_id}`. */
export async function queue() {
  return request(store("queue").getAll());
}

async function count() {
  const items = await queue();
  status.queued = items.filter((q) => q.state === "pending").length;
  status.problems = items.length - status.queued;
}

/** Adds a change to the queue; `local` is how the till shows it until the server has it. */
export async function enqueue(change, local) {
  const item = { client_change_id: uuid(), base_version: null, ...change, state: "pending", queued_at: new Date().toISOString() };
  const tx = idb.transaction(["queue", "records"], "readwrite");
  tx.objectStore("queue").add(item);
  if (local) {
    const rec = { entity: change.entity, id: change.id, version: 0, data: { ...local, pending: true } };
    tx.objectStore("records").put(rec);
    remember(rec);
  }
  await done(tx);
  await count();
  notify();
}

/** Drops a rejected or conflicting change from the queue view. */
export async function dismiss(seq) {
  await request(store("queue", "readwrite").delete(seq));
  await count();
  notify();
}

/**
 * Calls `fn`, a function of the generated client, with the staff login. A failure to reach the
 * server, or a 5xx, marks the till offline (the change must be sent again); any answer marks it
 * online.
 */
export async function send(fn, o = {}) {
  try {
    const data = await fn({ ...o, headers: { ...(await auth()), ...(o.headers || {}) } });
    setOnline(true);
    return data;
  } catch (e) {
    setOnline(!unreachable(e));
    throw e;
  }
}

function setOnline(online) {
  if (status.online !== online) {
    status.online = online;
    notify();
  }
}

/** True when `e` means the server was not reached or failed (so the change is queued). */
export function unreachable(e) {
  return !e.status || e.status >= 500;
}

let running = null;

/** Sends the queue, then pulls what changed. One run at a time; resolves when it ends. */
export function run() {
  if (!running) {
    running = (async () => {
      status.syncing = true;
      notify();
      try {
        await push();
        await pull();
        status.lastSync = new Date().toISOString();
        await setMeta("last_sync", status.lastSync);
      } catch (e) {
        if (!unreachable(e)) console.warn("sync", e);
      } finally {
        status.syncing = false;
        running = null;
        await count();
        notify();
      }
    })();
  }
  return running;
}

async function pull() {
  for (;;) {
    const cursor = await meta("cursor");
    let page;
    try {
      page = await send(getSyncPull, { query: { limit: 500, entities: ENTITIES, cursor: cursor || undefined }, headers: { "X-Sync-Protocol": "1" } });
    } catch (e) {
      // The history this till had read up to was pruned: read everything again.
      if (e.code === "resync_required") {
        await setMeta("cursor", null);
        continue;
      }
      throw e;
    }
    for (const c of page.changes) {
      if (c.op === "delete") await forget(c.entity, c.id);
      else await put(c.entity, c.id, c.version, c.data);
    }
    await setMeta("cursor", page.cursor);
    if (page.changes.length) notify();
    if (!page.has_more) return;
  }
}

async function push() {
  const device = await deviceId();
  for (;;) {
    const pending = (await queue()).filter((q) => q.state === "pending").slice(0, PUSH_BATCH);
    if (pending.length === 0) return;
    const changes = pending.map(({ client_change_id, entity, id, op, base_version, data }) =>
      ({ client_change_id, entity, id, op, base_version, data }));
    const answer = await send(postSyncPush, {
      headers: { "X-Device-Id": device, "X-Sync-Protocol": "1" },
      body: { device_id: device, changes },
    });
    for (const r of answer.results) {
      const item = pending.find((q) => q.client_change_id === r.client_change_id);
      if (!item) continue;
      if (r.status === "applied" || r.status === "duplicate") {
        if (r.server_data) await put(item.entity, item.id, r.version ?? r.server_data.version ?? 1, r.server_data);
        await request(store("queue", "readwrite").delete(item.seq));
      } else {
        item.state = r.status;
        item.error = r.error || null;
        item.conflict_id = r.conflict_id || null;
        await request(store("queue", "readwrite").put(item));
      }
    }
    await count();
    notify();
  }
}
