// The cashier's till (`/till`). It sells from what it pulled into IndexedDB, so it keeps working
// with no network: a sale goes to `POST /sales` when the server answers and the queue is empty,
// otherwise it is queued (with its own id) and pushed when the network returns; shift changes and
// refunds always go through the queue, which is sent at once when online. Prices are computed
// by `pricing.js`, the server's own rules, so an offline sale pays exactly what it comes to.

import { getShiftsIdReport, getSyncConflicts, postLicensesActivate, postSales, postSalesIdVoid } from "./api.js";
import { chooseOptions } from "./choose.js";
import { addTexts, el, lang, languageButton, money, t, uuid } from "./common.js";
import { price, refundShare } from "./pricing.js";
import { logoutButton, signIn, token } from "./session.js";
import * as db from "./till-sync.js";

addTexts({
  "till": ["Kasir", "Till"],
  "online": ["Daring", "Online"],
  "offline": ["Luring", "Offline"],
  "queued": ["{n} antre", "{n} queued"],
  "last_sync": ["sinkron {time}", "synced {time}"],
  "never_synced": ["belum sinkron", "not synced yet"],
  "sync_now": ["Sinkronkan", "Sync now"],
  "queue": ["Antrean", "Queue"],
  "queue.title": ["Perubahan yang belum terkirim", "Changes not yet sent"],
  "queue.empty": ["Semua perubahan sudah terkirim.", "Every change has been sent."],
  "queue.pending": ["menunggu", "waiting"],
  "queue.rejected": ["ditolak", "rejected"],
  "queue.conflict": ["konflik", "conflict"],
  "queue.dismiss": ["Buang", "Dismiss"],
  "conflicts": ["Konflik di server", "Conflicts on the server"],
  "close": ["Tutup", "Close"],
  "sell": ["Jual", "Sell"],
  "history": ["Riwayat", "Sales"],
  "close_shift": ["Tutup shift", "Close shift"],
  "choose_outlet": ["Pilih outlet", "Choose an outlet"],
  "no_outlet": ["Akun ini tidak punya outlet.", "This login has no outlet."],
  "first_sync": ["Mengunduh katalog…", "Downloading the catalog…"],
  "needs_network": ["Sambungkan ke jaringan untuk sinkron pertama.", "Connect to the network for the first sync."],
  "license.title": ["Aktivasi lisensi perangkat", "Activate this device's licence"],
  "license.key": ["Kunci lisensi", "Licence key"],
  "license.activate": ["Aktifkan", "Activate"],
  "open_shift": ["Buka shift", "Open shift"],
  "start_cash": ["Modal awal (kas)", "Float (cash in the drawer)"],
  "search": ["Cari atau pindai barcode", "Search or scan a barcode"],
  "all": ["Semua", "All"],
  "other_category": ["Lainnya", "Other"],
  "not_found": ["Barcode {code} tidak dikenal.", "Unknown barcode {code}."],
  "cart.empty": ["Keranjang kosong.", "The cart is empty."],
  "customer": ["Pelanggan", "Customer"],
  "no_customer": ["Tanpa pelanggan", "No customer"],
  "voucher": ["Voucher", "Voucher"],
  "voucher.unknown": ["Voucher tidak berlaku.", "This voucher cannot be used."],
  "voucher.min": ["Voucher perlu belanja minimal {amount}.", "This voucher needs a purchase of at least {amount}."],
  "discount": ["Diskon", "Discount"],
  "discount.prompt": ["Diskon: angka untuk rupiah, atau akhiri dengan % (mis. 10%)", "Discount: an amount, or end with % (e.g. 10%)"],
  "order_discount": ["Diskon pesanan", "Order discount"],
  "subtotal": ["Subtotal", "Subtotal"],
  "tax": ["Pajak", "Tax"],
  "rounding": ["Pembulatan", "Rounding"],
  "total": ["Total", "Total"],
  "pay": ["Bayar", "Pay"],
  "payment": ["Pembayaran", "Payment"],
  "exact": ["Uang pas", "Exact"],
  "paid": ["Dibayar", "Paid"],
  "change": ["Kembalian", "Change"],
  "short": ["Kurang {amount}", "{amount} short"],
  "confirm": ["Selesaikan", "Complete"],
  "cancel": ["Batal", "Cancel"],
  "failed": ["Gagal: {message}", "Failed: {message}"],
  "receipt": ["Struk", "Receipt"],
  "print": ["Cetak", "Print"],
  "new_sale": ["Transaksi baru", "New sale"],
  "offline_sale": ["Luring — terkirim saat daring", "Offline — sent when online"],
  "sale_no": ["No. {number}", "No. {number}"],
  "cashier": ["Kasir: {name}", "Cashier: {name}"],
  "thanks": ["Terima kasih", "Thank you"],
  "void": ["Batalkan", "Void"],
  "void.reason": ["Alasan pembatalan", "Reason for the void"],
  "voided": ["dibatalkan", "voided"],
  "refund": ["Retur", "Refund"],
  "refund.reason": ["Alasan retur", "Reason for the refund"],
  "refund.none": ["Pilih jumlah yang diretur.", "Choose what to refund."],
  "refunded": ["diretur", "refunded"],
  "needs_online": ["Perlu koneksi ke server.", "This needs the server."],
  "no_sales": ["Belum ada penjualan di shift ini.", "No sales in this shift yet."],
  "end_cash": ["Kas terhitung", "Counted cash"],
  "note": ["Catatan", "Note"],
  "report": ["Laporan shift", "Shift report"],
  "report.sales": ["Penjualan", "Sales"],
  "report.expected": ["Kas seharusnya", "Expected cash"],
  "report.difference": ["Selisih", "Difference"],
  "report.offline": ["Ringkasan luring; laporan server menyusul saat daring.", "Offline summary; the server's report follows when online."],
  "report.done": ["Selesai", "Done"],
});

const $ = (id) => document.getElementById(id);
const state = {
  me: null,
  outlet: null,
  shift: null,
  view: "sell",
  category: "",
  search: "",
  cart: [],
  customerId: "",
  voucherCode: "",
  orderDiscount: null,
  receipt: null,
  paying: false,
};
const can = (perm) => state.me?.permissions?.includes(perm);

languageButton();
document.title = t("till");

start().catch((e) => {
  $("main").replaceChildren(el("p", { class: "error", id: "error" }, t("failed", { message: e.message })));
});

async function start() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/till-sw.js", { scope: "/till" }).catch((e) => console.warn("service worker", e));
  }
  state.me = await signIn($("main"));
  logoutButton();
  await db.open();
  db.subscribe(() => { renderSync(); if (state.view === "history") renderHistory(); });
  $("sync-now").textContent = t("sync_now");
  $("sync-now").hidden = false;
  $("sync-now").addEventListener("click", () => db.run());
  $("queue-open").hidden = false;
  $("queue-open").addEventListener("click", showQueue);
  renderSync();

  if (!db.get("tenant", state.me.tenant_id)) {
    $("main").replaceChildren(el("p", { class: "muted", id: "first-sync" }, t("first_sync")));
    await db.run();
    if (!db.get("tenant", state.me.tenant_id)) {
      $("main").replaceChildren(el("p", { class: "error", id: "error" }, t("needs_network")));
      await waitFor(() => db.get("tenant", state.me.tenant_id), 5000);
    }
  } else {
    db.run();
  }
  await license();
  await chooseOutlet();
  await openShift();
  for (const id of ["sell", "history", "close"]) {
    $(`nav-${id}`).textContent = t(id === "close" ? "close_shift" : id);
    $(`nav-${id}`).addEventListener("click", () => show(id));
  }
  $("nav").hidden = false;
  listenForBarcodes();
  live();
  setInterval(() => db.run(), 60_000);
  show("sell");
}

/** Retries `run` every `ms` until `ready()` is true. */
async function waitFor(ready, ms) {
  while (!ready()) {
    await new Promise((r) => setTimeout(r, ms));
    await db.run();
  }
}

function renderSync() {
  const s = db.status;
  const badge = $("sync");
  badge.dataset.online = String(s.online);
  badge.dataset.queued = String(s.queued);
  const last = s.lastSync ? t("last_sync", { time: new Date(s.lastSync).toLocaleTimeString(lang) }) : t("never_synced");
  badge.textContent = `${s.online ? t("online") : t("offline")} · ${t("queued", { n: s.queued })} · ${last}`;
  $("queue-open").textContent = s.problems ? `${t("queue")} (${s.problems}!)` : t("queue");
  $("queue-open").classList.toggle("warn", s.problems > 0);
}

/** Online devices pull as soon as the server says something changed. */
async function live() {
  const connect = async () => {
    const tok = await token();
    if (!tok) return setTimeout(connect, 10_000);
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/ws?token=${encodeURIComponent(tok)}`);
    ws.onmessage = (m) => {
      try {
        if (JSON.parse(m.data).type === "SYNC_CHANGES") db.run();
      } catch { /* not ours */ }
    };
    ws.onopen = () => db.run();
    ws.onclose = () => setTimeout(connect, 5_000);
  };
  connect();
}

// ---- first run: licence, outlet, shift ----

async function license() {
  const tenant = db.get("tenant", state.me.tenant_id);
  if (!tenant?.require_license || (await db.meta("license"))) return;
  await new Promise((resolve) => {
    const error = el("p", { class: "error", hidden: true });
    const form = el("form", { id: "license", class: "card login" },
      el("h2", {}, t("license.title")),
      el("label", {}, t("license.key"), el("input", { name: "key", required: true, autocomplete: "off" })),
      error,
      el("button", { type: "submit", class: "primary" }, t("license.activate")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const device_id = await db.deviceId();
        const r = await db.send(postLicensesActivate, {
          body: { license_key: form.key.value.trim(), device_id, device_name: `Till ${navigator.platform || "browser"}` },
        });
        await db.setMeta("license", r);
        resolve();
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
      }
    });
    $("main").replaceChildren(form);
  });
}

async function chooseOutlet() {
  const outlets = db.all("outlet").filter((o) => !o.deleted_at && (state.me.outlet_ids?.length ? state.me.outlet_ids.includes(o.id) : true))
    .sort((a, b) => a.name.localeCompare(b.name));
  const saved = await db.meta("outlet_id");
  const pick = outlets.find((o) => o.id === saved) || (outlets.length === 1 ? outlets[0] : null);
  if (pick) return useOutlet(pick);
  if (outlets.length === 0) {
    $("main").replaceChildren(el("p", { class: "error" }, t("no_outlet")));
    return new Promise(() => {});
  }
  await new Promise((resolve) => {
    $("main").replaceChildren(el("section", { id: "outlets" }, el("h2", {}, t("choose_outlet")),
      el("div", { class: "grid" }, outlets.map((o) =>
        el("button", { type: "button", class: "card", "data-outlet": o.id, onclick: async () => { await useOutlet(o); resolve(); } },
          el("strong", {}, o.name), el("span", { class: "muted" }, o.address || ""))))));
  });
}

async function useOutlet(o) {
  state.outlet = o;
  await db.setMeta("outlet_id", o.id);
  $("where").textContent = `${o.name} · ${state.me.name || state.me.username}`;
}

function currentShift() {
  return db.all("shift").find((s) => s.status === "open" && s.outlet_id === state.outlet.id && s.user_id === state.me.id) || null;
}

async function openShift() {
  state.shift = currentShift();
  if (state.shift) return;
  await new Promise((resolve) => {
    const error = el("p", { class: "error", hidden: true });
    const form = el("form", { id: "open-shift", class: "card login" },
      el("h2", {}, t("open_shift")),
      el("label", {}, t("start_cash"), el("input", { name: "start_cash", type: "number", min: 0, step: 1, required: true, value: 0 })),
      error,
      el("button", { type: "submit", class: "primary" }, t("open_shift")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const id = uuid();
      const opened_at = new Date().toISOString();
      const start_cash = Number(form.start_cash.value);
      const local = { id, outlet_id: state.outlet.id, user_id: state.me.id, status: "open", start_cash, opened_at };
      await db.enqueue({ entity: "shift", id, op: "create", data: { outlet_id: state.outlet.id, start_cash, opened_at } }, local);
      await db.run();
      const rejected = (await db.queue()).find((q) => q.id === id && q.state !== "pending");
      if (rejected) {
        error.textContent = rejected.error?.message || rejected.state;
        error.hidden = false;
        await db.dismiss(rejected.seq);
        return;
      }
      state.shift = db.get("shift", id);
      resolve();
    });
    $("main").replaceChildren(form);
  });
}

function show(view) {
  state.view = view;
  for (const id of ["sell", "history", "close"]) $(`nav-${id}`).classList.toggle("on", id === view);
  if (view === "sell") renderSell();
  else if (view === "history") renderHistory();
  else renderClose();
}

// ---- the catalog ----

function products() {
  return db.all("product").filter((p) => p.is_active !== false && !p.deleted_at);
}

function groupsOf(p) {
  return (p.modifier_group_ids || []).map((id) => db.get("modifier_group", id)).filter(Boolean);
}

function catalogPrice(p, variantId) {
  const v = (p.variants || []).find((x) => x.id === variantId);
  return v?.price ?? p.price;
}

function renderSell() {
  if (state.receipt) return renderReceipt();
  const cats = db.all("category").filter((c) => !c.deleted_at).sort((a, b) => a.name.localeCompare(b.name));
  const search = el("input", { id: "search", type: "search", placeholder: t("search"), value: state.search, autocomplete: "off" });
  search.addEventListener("input", () => { state.search = search.value; renderGrid(); });
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      const code = search.value.trim();
      if (/^\d{4,}$/.test(code)) {
        scanned(code);
        search.value = state.search = "";
        renderGrid();
      }
    }
  });
  const tabs = el("div", { class: "cats" },
    [{ id: "", name: t("all") }, ...cats].map((c) =>
      el("button", { type: "button", "data-category": c.id, class: state.category === c.id ? "on" : "", onclick: () => { state.category = c.id; renderSell(); } }, c.name)));
  $("main").replaceChildren(el("div", { class: "till-layout" },
    el("section", { id: "catalog" }, search, tabs, el("p", { id: "scan-error", class: "error", hidden: true }), el("div", { id: "grid", class: "grid products" })),
    el("aside", { id: "cart", class: "card" })));
  renderGrid();
  renderCart();
}

function renderGrid() {
  const q = state.search.trim().toLowerCase();
  const list = products()
    .filter((p) => !state.category || p.category_id === state.category)
    .filter((p) => !q || p.name.toLowerCase().includes(q) || (p.sku || "").toLowerCase().includes(q))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, 200);
  // Since the page began to load: how soon the grid is usable (read by the browser tests).
  document.body.dataset.gridMs ??= String(Math.round(performance.now()));
  $("grid").replaceChildren(...list.map((p) =>
    el("button", { type: "button", class: "card product", "data-product": p.id, onclick: () => pick(p) },
      p.image_url ? el("img", { src: p.image_url, alt: "", loading: "lazy" }) : null,
      el("span", { class: "name" }, p.name),
      el("span", { class: "price" }, money(p.price)))));
}

async function pick(p, variantId) {
  let chosen = { variantId: variantId ?? null, modifiers: [] };
  if (variantId === undefined || groupsOf(p).length) {
    const product = variantId ? { ...p, variants: [] } : p;
    chosen = await chooseOptions(product, groupsOf(p));
    if (!chosen) return;
    chosen.variantId = variantId ?? chosen.variantId;
  }
  const same = state.cart.find((l) => l.productId === p.id && l.variantId === chosen.variantId && l.modifiers.join() === chosen.modifiers.join() && !l.discount);
  if (same) same.quantity += 1;
  else state.cart.push({ key: uuid(), productId: p.id, variantId: chosen.variantId, modifiers: chosen.modifiers, quantity: 1, discount: null });
  renderCart();
}

/** A barcode (a product's or a variant's) goes straight into the cart. */
function scanned(code) {
  for (const p of products()) {
    if ((p.barcodes || []).includes(code)) return pick(p, null);
    const v = (p.variants || []).find((x) => (x.barcodes || []).includes(code));
    if (v) return pick(p, v.id);
  }
  const err = $("scan-error");
  if (err) {
    err.textContent = t("not_found", { code });
    err.hidden = false;
  }
}

/** A keyboard-wedge scanner types digits quickly and ends with Enter, wherever the focus is. */
function listenForBarcodes() {
  let buffer = "";
  let last = 0;
  document.addEventListener("keydown", (ev) => {
    const target = ev.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || document.querySelector("dialog[open]")) return;
    const now = Date.now();
    if (now - last > 100) buffer = "";
    last = now;
    if (/^\d$/.test(ev.key)) buffer += ev.key;
    else if (ev.key === "Enter" && buffer.length >= 4 && state.view === "sell" && !state.receipt) {
      ev.preventDefault();
      const code = buffer;
      buffer = "";
      scanned(code);
    } else buffer = "";
  });
}

// ---- the cart and its prices ----

function outletNow(at = new Date()) {
  const tenant = db.get("tenant", state.me.tenant_id) || {};
  const zone = state.outlet.timezone || tenant.timezone || "UTC";
  let text;
  try {
    text = new Intl.DateTimeFormat("sv-SE", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(at);
  } catch {
    text = at.toISOString().slice(0, 19);
  }
  return text.replace(" ", "T");
}

const discountOf = (kind, value) => ({ type: kind === "percent" ? "percent" : "amount", value });

function usableVoucher(code, now) {
  const key = code.trim().toLowerCase();
  if (!key) return null;
  const v = db.all("voucher").find((x) => !x.deleted_at && x.code.toLowerCase() === key);
  if (!v || !v.active || (v.valid_from && now < v.valid_from) || (v.valid_until && now > v.valid_until) ||
    (v.usage_limit != null && v.usage_count >= v.usage_limit)) return null;
  return v;
}

/** The cart priced as the server will price it. */
function priced() {
  const tenant = db.get("tenant", state.me.tenant_id) || {};
  const now = outletNow();
  const lines = state.cart.map((l) => {
    const p = db.get("product", l.productId);
    const options = groupsOf(p).flatMap((g) => g.options);
    const extras = l.modifiers.reduce((s, id) => s + (options.find((o) => o.id === id)?.price || 0), 0);
    const tax = p.tax_id ? db.get("tax", p.tax_id) : null;
    return {
      product_id: p.id,
      category_id: p.category_id ?? null,
      unit_price: catalogPrice(p, l.variantId) + extras,
      quantity: l.quantity * 1000,
      discount: l.discount,
      tax: tax && tax.is_active !== false && !tax.deleted_at ? { rate_bps: tax.rate_bps, inclusive: tax.inclusive } : null,
    };
  });
  const promotions = db.all("promotion")
    .filter((x) => !x.deleted_at && x.is_active && x.auto_apply && (!x.starts_at || x.starts_at <= now) && (!x.ends_at || x.ends_at >= now) &&
      (x.usage_limit == null || (x.usage_count || 0) < x.usage_limit))
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
    .map((x) => ({ id: x.id, discount: discountOf(x.type, x.value), min_purchase: x.min_purchase || 0, max_discount: x.max_discount ?? null, product_ids: x.product_ids || [], category_ids: x.category_ids || [] }));
  const v = usableVoucher(state.voucherCode, now);
  const voucher = v ? { id: v.id, discount: discountOf(v.discount_type, v.discount_value), min_purchase: v.min_purchase || 0, max_discount: v.max_discount ?? null } : null;
  const result = price({ lines, discount: state.orderDiscount, promotions, voucher, cash_rounding: tenant.cash_rounding || 0 });
  result.voucher_unknown = Boolean(state.voucherCode.trim()) && !v;
  return result;
}

function describe(l) {
  const p = db.get("product", l.productId);
  const v = (p.variants || []).find((x) => x.id === l.variantId);
  const options = groupsOf(p).flatMap((g) => g.options).filter((o) => l.modifiers.includes(o.id));
  return [p.name, v?.name, ...options.map((o) => o.name)].filter(Boolean).join(", ");
}

/** Asks for a discount: `5000` is an amount, `10%` a percentage (basis points sent). */
function askDiscount() {
  const raw = prompt(t("discount.prompt"));
  if (raw === null) return undefined;
  const s = raw.trim();
  if (!s) return null;
  if (s.endsWith("%")) {
    const pct = Number(s.slice(0, -1).replace(",", "."));
    return pct > 0 && pct <= 100 ? { type: "percent", value: Math.round(pct * 100) } : null;
  }
  const amount = Number(s.replace(/\./g, ""));
  return amount > 0 ? { type: "amount", value: Math.round(amount) } : null;
}

function renderCart() {
  const cart = $("cart");
  if (!cart) return;
  if (state.cart.length === 0) {
    cart.replaceChildren(el("p", { class: "muted", id: "cart-empty" }, t("cart.empty")));
    return;
  }
  const pr = priced();
  const lines = state.cart.map((l, i) => el("div", { class: "line cart-line", "data-line": i },
    el("span", { class: "what" }, describe(l), l.discount ? el("small", { class: "muted" }, ` −${l.discount.type === "percent" ? `${l.discount.value / 100}%` : money(l.discount.value)}`) : null),
    el("button", { type: "button", class: "minus", onclick: () => { l.quantity -= 1; if (l.quantity <= 0) state.cart.splice(i, 1); renderCart(); } }, "−"),
    el("span", { class: "qty" }, l.quantity),
    el("button", { type: "button", class: "plus", onclick: () => { l.quantity += 1; renderCart(); } }, "+"),
    can("sales.discount") ? el("button", { type: "button", class: "line-discount", title: t("discount"), onclick: () => { const d = askDiscount(); if (d !== undefined) { l.discount = d; renderCart(); } } }, "%") : null,
    el("span", { class: "price" }, money(pr.lines[i].total))));
  const customers = db.all("customer").filter((c) => !c.deleted_at).sort((a, b) => a.name.localeCompare(b.name));
  const customer = el("select", { id: "customer" }, el("option", { value: "" }, t("no_customer")),
    customers.map((c) => el("option", { value: c.id, selected: c.id === state.customerId }, c.phone ? `${c.name} (${c.phone})` : c.name)));
  customer.addEventListener("change", () => { state.customerId = customer.value; });
  const voucher = el("input", { id: "voucher", placeholder: t("voucher"), value: state.voucherCode, autocomplete: "off" });
  voucher.addEventListener("change", () => { state.voucherCode = voucher.value; renderCart(); });
  const row = (label, id, amount) => el("div", { class: "row" }, el("span", {}, label), el("span", { id, class: "price" }, money(amount)));
  cart.replaceChildren(
    el("div", { class: "lines" }, lines),
    el("div", { class: "row" }, customer),
    el("div", { class: "row" }, voucher,
      can("sales.discount") ? el("button", { type: "button", id: "order-discount", onclick: () => { const d = askDiscount(); if (d !== undefined) { state.orderDiscount = d; renderCart(); } } }, t("order_discount")) : null),
    pr.voucher_unknown ? el("p", { class: "error", id: "voucher-error" }, t("voucher.unknown")) : null,
    pr.voucher_refused ? el("p", { class: "error", id: "voucher-error" }, t("voucher.min", { amount: money(pr.voucher_refused.min_purchase) })) : null,
    row(t("subtotal"), "subtotal", pr.subtotal),
    pr.discount_total ? row(t("discount"), "discount", -pr.discount_total) : null,
    pr.tax_total ? row(t("tax"), "tax", pr.tax_total) : null,
    pr.rounding ? row(t("rounding"), "rounding", pr.rounding) : null,
    el("div", { class: "row total" }, el("span", {}, t("total")), el("span", { id: "total", class: "price" }, money(pr.total))),
    el("button", { type: "button", id: "pay", class: "primary wide", onclick: pay }, `${t("pay")} ${money(pr.total)}`),
  );
}

// ---- paying ----

function methods() {
  return db.all("payment_method").filter((m) => m.is_active !== false && !m.deleted_at && m.type !== "store_credit")
    .sort((a, b) => (a.type === "cash" ? -1 : b.type === "cash" ? 1 : a.name.localeCompare(b.name)));
}

function pay() {
  const pr = priced();
  if (pr.voucher_unknown || pr.voucher_refused) return;
  const list = methods();
  const inputs = new Map();
  const form = el("form", { id: "payment", method: "dialog" }, el("h2", {}, `${t("payment")} · ${money(pr.total)}`));
  const summary = el("p", { id: "change", class: "total" });
  const error = el("p", { class: "error", id: "pay-error", hidden: true });
  const confirm = el("button", { type: "submit", value: "ok", class: "primary", id: "confirm-pay" }, t("confirm"));
  const update = () => {
    const paid = [...inputs.values()].reduce((s, i) => s + (Number(i.value) || 0), 0);
    const cash = list.filter((m) => m.type === "cash").reduce((s, m) => s + (Number(inputs.get(m.id).value) || 0), 0);
    const change = paid - pr.total;
    const ok = change >= 0 && change <= cash;
    summary.dataset.change = String(Math.max(0, change));
    summary.textContent = change >= 0 ? `${t("change")} ${money(change)}` : t("short", { amount: money(-change) });
    confirm.disabled = !ok;
  };
  list.forEach((m, i) => {
    const input = el("input", { type: "number", min: 0, step: 1, value: i === 0 ? pr.total : 0, name: m.id });
    input.addEventListener("input", update);
    inputs.set(m.id, input);
    form.append(el("div", { class: "row", "data-method": m.id },
      el("label", {}, m.name), input,
      el("button", { type: "button", class: "exact", onclick: () => { for (const x of inputs.values()) x.value = 0; input.value = pr.total; update(); } }, t("exact"))));
  });
  form.append(summary, error, el("div", { class: "row" }, el("button", { type: "submit", value: "cancel" }, t("cancel")), confirm));
  const dialog = el("dialog", {}, form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (ev.submitter?.value !== "ok") return dialog.close();
    const payments = list.map((m) => ({ payment_method_id: m.id, amount: Math.round(Number(inputs.get(m.id).value) || 0) })).filter((p) => p.amount > 0);
    confirm.disabled = true;
    const pressed = performance.now();
    try {
      state.receipt = await complete(pr, payments);
      state.cart = [];
      state.customerId = "";
      state.voucherCode = "";
      state.orderDiscount = null;
      dialog.close();
      renderSell();
      // How long "complete" took to the receipt on screen (read by the browser tests).
      document.body.dataset.payMs = String(Math.round(performance.now() - pressed));
    } catch (e) {
      error.textContent = t("failed", { message: e.message });
      error.hidden = false;
      confirm.disabled = false;
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  update();
}

/** Sends the sale, or queues it when the server cannot be reached; resolves with what to print. */
async function complete(pr, payments) {
  const id = uuid();
  const items = state.cart.map((l) => ({
    product_id: l.productId,
    ...(l.variantId ? { variant_id: l.variantId } : {}),
    quantity: l.quantity,
    ...(l.discount ? { discount: l.discount } : {}),
    ...(l.modifiers.length ? { modifiers: l.modifiers } : {}),
  }));
  const body = {
    id,
    outlet_id: state.outlet.id,
    ...(state.customerId ? { customer_id: state.customerId } : {}),
    items,
    ...(state.orderDiscount ? { discount: state.orderDiscount } : {}),
    ...(state.voucherCode.trim() ? { voucher_code: state.voucherCode.trim() } : {}),
    payments,
  };
  if (db.status.queued === 0) {
    try {
      const sale = await db.send(postSales, { body, headers: { "Idempotency-Key": id } });
      await db.put("sale", sale.id, sale.version, sale);
      return sale;
    } catch (e) {
      if (!db.unreachable(e)) throw e;
    }
  }
  // Offline: the prices it was rung up at go with it, in the shift it was rung up in.
  const created_at = new Date().toISOString();
  const data = {
    ...body,
    items: items.map((it, i) => ({ ...it, unit_price: catalogPrice(db.get("product", it.product_id), state.cart[i].variantId) })),
    created_at,
    shift_id: state.shift.id,
  };
  delete data.id;
  const paid = payments.reduce((s, p) => s + p.amount, 0);
  const local = {
    id, number: null, outlet_id: state.outlet.id, shift_id: state.shift.id, cashier_id: state.me.id, status: "completed", offline: true,
    customer_id: body.customer_id ?? null,
    items: state.cart.map((l, i) => ({ id: `${id}-${i}`, product_id: l.productId, name: describe(l), quantity: l.quantity, gross: pr.lines[i].gross, unit_price: pr.lines[i].gross / l.quantity, discount_total: pr.lines[i].gross - pr.lines[i].net, tax_total: pr.lines[i].tax, total: pr.lines[i].total })),
    subtotal: pr.subtotal, discount_total: pr.discount_total, tax_total: pr.tax_total, rounding: pr.rounding, total: pr.total,
    paid, change: paid - pr.total, payments, created_at,
  };
  await db.enqueue({ entity: "sale", id, op: "create", data }, local);
  db.run();
  return local;
}

// ---- receipts ----

function renderReceipt(sale = state.receipt, back = () => { state.receipt = null; renderSell(); }) {
  const width = localStorage.getItem("kasir.till.width") || "58";
  const tenant = db.get("tenant", state.me.tenant_id) || {};
  const current = db.get("sale", sale.id) || sale;
  const methodName = (id) => db.get("payment_method", id)?.name || "";
  const line = (left, right, cls = "") => el("div", { class: `rrow ${cls}` }, el("span", {}, left), el("span", {}, right));
  const paper = el("div", { id: "receipt", class: `receipt w${width}`, "data-sale": current.id, "data-offline": String(Boolean(current.pending)) },
    el("div", { class: "center" }, el("strong", {}, tenant.name || ""), el("br"), state.outlet.name,
      state.outlet.receipt_header ? [el("br"), state.outlet.receipt_header] : null),
    el("hr"),
    line(current.number ? t("sale_no", { number: current.number }) : t("offline_sale"), new Date(current.created_at).toLocaleString(lang)),
    line(t("cashier", { name: state.me.name || state.me.username }), ""),
    el("hr"),
    current.items.map((it) => [
      el("div", {}, [it.name, ...(it.modifiers || []).map((m) => m.name)].join(", ")),
      line(`  ${it.quantity} × ${money(Math.round(it.gross / Number(it.quantity)))}`, money(it.gross)),
      it.discount_total ? line(`  ${t("discount")}`, money(-it.discount_total)) : null,
    ]),
    el("hr"),
    line(t("subtotal"), money(current.subtotal)),
    current.discount_total ? line(t("discount"), money(-current.discount_total)) : null,
    current.tax_total ? line(t("tax"), money(current.tax_total)) : null,
    current.rounding ? line(t("rounding"), money(current.rounding)) : null,
    line(t("total"), money(current.total), "total"),
    (current.payments || []).map((p) => line(methodName(p.payment_method_id), money(p.amount))),
    line(t("change"), money(current.change || 0)),
    el("hr"),
    el("div", { class: "center" }, state.outlet.receipt_footer || t("thanks")));
  const widthButton = (w) => el("button", { type: "button", class: w === width ? "on" : "", "data-width": w, onclick: () => { localStorage.setItem("kasir.till.width", w); renderReceipt(sale, back); } }, `${w} mm`);
  $("main").replaceChildren(el("section", { class: "receipt-view" }, paper,
    el("div", { class: "row no-print" }, widthButton("58"), widthButton("80"),
      el("button", { type: "button", id: "print", onclick: () => print() }, t("print")),
      el("button", { type: "button", id: "new-sale", class: "primary", onclick: back }, state.view === "sell" ? t("new_sale") : t("close")))));
}

// ---- history: voids and refunds ----

function shiftSales() {
  return db.all("sale").filter((s) => s.shift_id === state.shift.id).sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/** Units refunded per sale item: what the server counted, and refunds still in the queue. */
function refundedOf(sale) {
  const done = new Map(sale.items.map((it) => [it.id, Number(it.refunded_quantity || 0)]));
  for (const r of db.all("refund").filter((x) => x.sale_id === sale.id && x.pending)) {
    for (const it of r.items || []) done.set(it.sale_item_id, (done.get(it.sale_item_id) || 0) + Number(it.quantity));
  }
  return done;
}

function renderHistory() {
  const sales = shiftSales();
  if (sales.length === 0) return $("main").replaceChildren(el("p", { class: "muted", id: "no-sales" }, t("no_sales")));
  $("main").replaceChildren(el("section", { id: "history" }, sales.map((s) => {
    const refunded = refundedOf(s);
    const anyRefund = [...refunded.values()].some((q) => q > 0);
    return el("div", { class: "card sale-row", "data-sale": s.id, "data-status": s.status },
      el("div", { class: "row" },
        el("strong", {}, s.number || t("offline_sale")),
        el("span", { class: "muted" }, new Date(s.created_at).toLocaleTimeString(lang)),
        el("span", { class: "price" }, money(s.total)),
        s.status === "voided" ? el("span", { class: "error" }, t("voided")) : anyRefund ? el("span", { class: "muted" }, t("refunded")) : null),
      el("div", { class: "row" },
        el("button", { type: "button", class: "show-receipt", onclick: () => renderReceipt(s, renderHistory) }, t("receipt")),
        can("sales.void") && s.status === "completed" && !s.pending && !anyRefund ? el("button", { type: "button", class: "void", onclick: () => voidSale(s) }, t("void")) : null,
        can("sales.refund") && s.status === "completed" && !s.pending ? el("button", { type: "button", class: "refund", onclick: () => refundSale(s) }, t("refund")) : null));
  })));
}

async function voidSale(s) {
  const reason = prompt(t("void.reason"));
  if (!reason) return;
  try {
    const sale = await db.send(postSalesIdVoid, { path: { id: s.id }, body: { reason }, headers: { "Idempotency-Key": uuid() } });
    await db.put("sale", sale.id, sale.version, sale);
  } catch (e) {
    alert(db.unreachable(e) ? t("needs_online") : t("failed", { message: e.message }));
  }
  renderHistory();
}

function refundSale(s) {
  const refunded = refundedOf(s);
  const form = el("form", { id: "refund", method: "dialog" }, el("h2", {}, `${t("refund")} ${s.number || ""}`));
  const inputs = [];
  for (const it of s.items) {
    const left = Number(it.quantity) - (refunded.get(it.id) || 0);
    if (left <= 0) continue;
    const input = el("input", { type: "number", min: 0, max: left, step: 1, value: left, "data-item": it.id });
    inputs.push({ it, input, left });
    form.append(el("div", { class: "row" }, el("label", {}, `${it.name} (${left})`), input));
  }
  const reason = el("input", { name: "reason", required: true, placeholder: t("refund.reason"), maxlength: 200 });
  const amount = el("p", { class: "total", id: "refund-amount" });
  const update = () => {
    amount.textContent = money(inputs.reduce((sum, { it, input }) => sum + refundShare(it.total, Number(it.quantity), refunded.get(it.id) || 0, Math.min(Number(input.value) || 0, Number(it.quantity))), 0));
  };
  inputs.forEach(({ input }) => input.addEventListener("input", update));
  const error = el("p", { class: "error", hidden: true });
  form.append(reason, amount, error, el("div", { class: "row" },
    el("button", { type: "submit", value: "cancel", formnovalidate: true }, t("cancel")),
    el("button", { type: "submit", value: "ok", class: "primary", id: "confirm-refund" }, t("refund"))));
  const dialog = el("dialog", {}, form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (ev.submitter?.value !== "ok") return dialog.close();
    const items = inputs.map(({ it, input, left }) => ({ sale_item_id: it.id, quantity: Math.min(Number(input.value) || 0, left) })).filter((x) => x.quantity > 0);
    if (items.length === 0) {
      error.textContent = t("refund.none");
      error.hidden = false;
      return;
    }
    const id = uuid();
    const data = { sale_id: s.id, items, reason: reason.value.trim(), restock: true, created_at: new Date().toISOString(), shift_id: state.shift.id };
    await db.enqueue({ entity: "refund", id, op: "create", data }, { id, sale_id: s.id, items });
    dialog.close();
    await db.run();
    renderHistory();
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  update();
}

// ---- closing the shift ----

function renderClose() {
  const form = el("form", { id: "close-shift", class: "card login" },
    el("h2", {}, t("close_shift")),
    el("label", {}, t("end_cash"), el("input", { name: "end_cash", type: "number", min: 0, step: 1, required: true })),
    el("label", {}, t("note"), el("input", { name: "note", maxlength: 500 })),
    el("button", { type: "submit", class: "primary" }, t("close_shift")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const shift = state.shift;
    const end_cash = Number(form.end_cash.value);
    const note = form.note.value.trim() || null;
    const record = db.get("shift", shift.id);
    await db.enqueue({
      entity: "shift", id: shift.id, op: "update", base_version: record?.version || null,
      data: { status: "closed", end_cash, note, closed_at: new Date().toISOString() },
    }, { ...record, status: "closed", end_cash });
    await db.run();
    await renderReport(shift, end_cash);
  });
  $("main").replaceChildren(form);
}

async function renderReport(shift, endCash) {
  let report = null;
  try {
    report = await db.send(getShiftsIdReport, { path: { id: shift.id } });
  } catch { /* offline: the till's own figures */ }
  const sales = shiftSales().filter((s) => s.status === "completed");
  const rows = report
    ? [[t("report.sales"), report.sales_count], [t("total"), money(report.net_sales)],
      [t("report.expected"), money(report.expected_cash)], [t("end_cash"), money(endCash)], [t("report.difference"), money(endCash - report.expected_cash)]]
    : [[t("report.sales"), sales.length], [t("total"), money(sales.reduce((s, x) => s + x.total, 0))], [t("end_cash"), money(endCash)]];
  $("nav").hidden = true;
  $("main").replaceChildren(el("section", { id: "shift-report", class: "card login", "data-source": report ? "server" : "till" },
    el("h2", {}, t("report")),
    report ? null : el("p", { class: "muted" }, t("report.offline")),
    el("table", {}, rows.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", { class: "price" }, String(v))))),
    report?.by_payment_method ? el("table", { id: "by-method" }, report.by_payment_method.map((m) =>
      el("tr", {}, el("th", {}, m.name), el("td", { class: "price" }, money(m.net))))) : null,
    el("button", { type: "button", class: "primary", id: "report-done", onclick: () => location.reload() }, t("report.done"))));
}

// ---- the queue ----

async function showQueue() {
  const items = await db.queue();
  const list = el("div", { id: "queue-list" }, items.length === 0 ? el("p", { class: "muted" }, t("queue.empty")) : items.map((q) =>
    el("div", { class: `card queue-item state-${q.state}`, "data-state": q.state },
      el("div", { class: "row" }, el("strong", {}, `${q.entity} ${q.op}`), el("span", {}, t(`queue.${q.state}`)), el("small", { class: "muted" }, q.id)),
      q.error ? el("p", { class: "error" }, [q.error.message, ...(q.error.errors || []).map((f) => `${f.field}: ${f.message}`)].filter(Boolean).join(" · ")) : null,
      q.state !== "pending" ? el("button", { type: "button", onclick: async () => { await db.dismiss(q.seq); dialog.close(); showQueue(); } }, t("queue.dismiss")) : null)));
  const conflicts = el("div", { id: "conflict-list" });
  const dialog = el("dialog", { id: "queue" }, el("h2", {}, t("queue.title")), list, el("h2", {}, t("conflicts")), conflicts,
    el("form", { method: "dialog" }, el("button", { class: "primary" }, t("close"))));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const open = await db.send(getSyncConflicts, { query: { status: "open", per_page: 50 } });
    conflicts.replaceChildren(...(open.length ? open.map((c) => el("div", { class: "card" }, `${c.entity} ${c.record_id}: ${(c.fields || []).join(", ")}`)) : [el("p", { class: "muted" }, "—")]));
  } catch (e) {
    conflicts.replaceChildren(el("p", { class: "muted" }, db.unreachable(e) ? t("needs_online") : e.message));
  }
}
