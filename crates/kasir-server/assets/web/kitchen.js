// The kitchen display (`/kitchen`): open orders of a station with their items, modifiers, notes
// and age; a tap moves an order to its next status. Live over the WebSocket: every order event
// makes the board read the orders again, a reconnect sends RESUME from the last event seen, and a
// new order rings.

import { addTexts, el, languageButton, t } from "./common.js";
import { getOrders, getStations, getTables, patchOrdersIdStatus } from "./api.js";
import { auth, logout, logoutButton, signIn, token } from "./session.js";

addTexts({
  "kitchen": ["Dapur", "Kitchen"],
  "all_stations": ["Semua stasiun", "All stations"],
  "live": ["Langsung", "Live"],
  "offline": ["Terputus, menyambung lagi…", "Disconnected, reconnecting…"],
  "empty": ["Tidak ada pesanan.", "No orders."],
  "minutes": ["{n} mnt", "{n} min"],
  "table": ["Meja {name}", "Table {name}"],
  "takeaway": ["Bawa pulang", "Takeaway"],
  "next.NEW": ["Terima", "Accept"],
  "next.ACCEPTED": ["Masak", "Cook"],
  "next.COOKING": ["Siap", "Ready"],
  "next.READY": ["Selesai", "Done"],
});

const NEXT = { NEW: "ACCEPTED", ACCEPTED: "COOKING", COOKING: "READY", READY: "DONE" };
const OPEN = "NEW,ACCEPTED,COOKING,READY";
const $ = (id) => document.getElementById(id);
const state = { orders: [], tables: new Map(), station: localStorage.getItem("kasir.kitchen.station") || "", lastSeq: 0, known: new Set() };

languageButton();
$("title").textContent = t("kitchen");
document.title = t("kitchen");

start();

async function start() {
  await signIn($("main"));
  logoutButton();
  const headers = await auth();
  const [stations, tables] = await Promise.all([
    getStations({ query: { per_page: 200 }, headers }),
    getTables({ query: { per_page: 200 }, headers }),
  ]);
  for (const tb of tables) state.tables.set(tb.id, tb.name);
  const picker = $("station");
  picker.replaceChildren(el("option", { value: "" }, t("all_stations")), ...stations.map((s) => el("option", { value: s.id }, s.name)));
  picker.value = state.station;
  picker.hidden = stations.length === 0;
  picker.addEventListener("change", () => {
    state.station = picker.value;
    localStorage.setItem("kasir.kitchen.station", state.station);
    load();
  });
  await load(true);
  connect();
  setInterval(render, 30_000);
}

/** Reads the open orders again; rings when one appeared that the board had not shown. */
async function load(first = false) {
  const query = { status: OPEN, per_page: 200, station: state.station || undefined };
  const orders = await getOrders({ query, headers: await auth() });
  const fresh = orders.filter((o) => !state.known.has(o.id));
  for (const o of orders) state.known.add(o.id);
  state.orders = orders.sort((a, b) => a.created_at.localeCompare(b.created_at));
  if (!first && fresh.length) ring();
  render();
}

function render() {
  const main = $("main");
  if (state.orders.length === 0) return main.replaceChildren(el("p", { class: "muted", id: "empty" }, t("empty")));
  main.replaceChildren(el("div", { class: "grid board" }, state.orders.map(ticket)));
}

function ticket(o) {
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(o.created_at)) / 60000));
  const where = o.table_id ? t("table", { name: state.tables.get(o.table_id) || "?" }) : t("takeaway");
  return el("article", { class: `card ticket status-${o.status}`, "data-order": o.id, "data-status": o.status },
    el("div", { class: "row" }, el("strong", {}, o.number), el("span", { class: "muted age" }, t("minutes", { n: minutes }))),
    el("div", { class: "muted" }, where),
    el("ul", {}, o.items.map((i) => el("li", {},
      el("span", { class: "qty" }, `${i.quantity}× `), i.name,
      i.modifiers.length ? el("div", { class: "muted" }, i.modifiers.map((m) => m.name).join(", ")) : null,
      i.note ? el("div", { class: "note" }, i.note) : null))),
    o.note ? el("div", { class: "note" }, o.note) : null,
    el("button", { type: "button", class: "primary bump", onclick: () => bump(o) }, t(`next.${o.status}`)));
}

async function bump(o) {
  const to = NEXT[o.status];
  if (!to) return;
  try {
    await patchOrdersIdStatus({ path: { id: o.id }, body: { status: to }, headers: await auth() });
  } finally {
    await load();
  }
}

/** The WebSocket: reconnects after a drop and resumes from the last event seen. */
async function connect() {
  const access = await token();
  if (!access) return logout();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/api/v1/ws?token=${encodeURIComponent(access)}`);
  ws.addEventListener("open", () => {
    $("live").textContent = t("live");
    document.body.dataset.live = "true";
    if (state.lastSeq) ws.send(JSON.stringify({ type: "RESUME", after_seq: state.lastSeq }));
  });
  ws.addEventListener("message", (ev) => {
    const frame = JSON.parse(ev.data);
    if (typeof frame.seq === "number") state.lastSeq = Math.max(state.lastSeq, frame.seq);
    if (frame.type === "NEW_ORDER" || frame.type?.startsWith("ORDER_")) load();
  });
  ws.addEventListener("close", () => {
    $("live").textContent = t("offline");
    document.body.dataset.live = "false";
    setTimeout(connect, 2000);
  });
}

/** A short two-tone chime (Web Audio; browsers allow it once the page has been touched). */
function ring() {
  try {
    const ctx = new AudioContext();
    for (const [i, f] of [880, 660].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = f;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.18);
      osc.stop(ctx.currentTime + i * 0.18 + 0.15);
    }
    document.body.dataset.rang = String(Number(document.body.dataset.rang || 0) + 1);
  } catch {
    // No audio device: the board still shows the order.
  }
}
