// The page a table's QR code opens (`/guest?session=<token>`): the menu with pictures and
// prices, variants and modifiers, a cart, placing the order, and its status as the kitchen moves
// it. Every call carries the table session's token, the only credential a guest has.

import {
  getGuestMenu,
  getGuestOrdersId,
  getGuestPaymentsIdQrSvg,
  postGuestOrders,
  postGuestOrdersIdPayOnline,
} from "./api.js";
import { chooseOptions } from "./choose.js";
import { addTexts, el, languageButton, money, t, uuid } from "./common.js";

addTexts({
  "menu": ["Menu", "Menu"],
  "table": ["Meja {name}", "Table {name}"],
  "add": ["Tambah", "Add"],
  "cart": ["Pesanan Anda", "Your order"],
  "total": ["Total", "Total"],
  "note": ["Catatan untuk dapur", "A note for the kitchen"],
  "place": ["Pesan sekarang", "Place order"],
  "placing": ["Mengirim…", "Sending…"],
  "remove": ["Hapus", "Remove"],
  "order_number": ["Pesanan {number}", "Order {number}"],
  "order_more": ["Pesan lagi", "Order more"],
  "no_session": ["Pindai kode QR di meja Anda untuk membuka menu.", "Scan the QR code on your table to open the menu."],
  "session_closed": ["Sesi meja ini sudah ditutup. Minta kode QR baru kepada staf.", "This table's session has ended. Ask the staff for a new QR code."],
  "failed": ["Pesanan belum terkirim: {message}", "The order was not sent: {message}"],
  "other_category": ["Lainnya", "Other"],
  "status.NEW": ["Terkirim ke dapur", "Sent to the kitchen"],
  "status.ACCEPTED": ["Diterima", "Accepted"],
  "status.COOKING": ["Sedang dimasak", "Being prepared"],
  "status.READY": ["Siap diantar", "Ready"],
  "status.DONE": ["Selesai", "Served"],
  "status.VOIDED": ["Dibatalkan", "Cancelled"],
  "pay_online": ["Bayar sekarang", "Pay now"],
  "pay_qris": ["QRIS", "QRIS"],
  "pay_ewallet": ["{wallet}", "{wallet}"],
  "scan": ["Pindai kode ini dengan aplikasi bank atau e-wallet Anda.", "Scan this code with your banking or e-wallet app."],
  "open_wallet": ["Buka {wallet} untuk membayar", "Open {wallet} to pay"],
  "waiting": ["Menunggu pembayaran…", "Waiting for the payment…"],
  "paid": ["Lunas — terima kasih!", "Paid — thank you!"],
  "pay_failed": ["Pembayaran belum bisa dibuat: {message}", "The payment could not be started: {message}"],
});

const token = new URLSearchParams(location.search).get("session");
const headers = { "X-Table-Session": token || "" };
const state = { menu: null, cart: [], order: null, sending: false };
const $ = (id) => document.getElementById(id);

languageButton();

start();

async function start() {
  if (!token) return fail(t("no_session"));
  try {
    state.menu = await getGuestMenu({ query: { per_page: 200 }, headers });
  } catch (e) {
    return fail(e.status === 401 ? t("session_closed") : e.message);
  }
  $("title").textContent = state.menu.outlet_name;
  $("table").textContent = t("table", { name: state.menu.table.name });
  document.title = `${t("menu")} · ${state.menu.outlet_name}`;
  const last = sessionStorage.getItem(`kasir.guest.order.${token}`);
  if (last) {
    state.order = { id: last };
    follow();
  }
  render();
}

function fail(message) {
  $("main").replaceChildren(el("p", { class: "error", id: "error" }, message));
  $("cart").hidden = true;
}

/** The price of one unit of a cart line: the variant's (or product's) price and its modifiers. */
function unitPrice(line) {
  const variant = line.product.variants.find((v) => v.id === line.variantId);
  const options = line.product.modifier_groups.flatMap((g) => g.options);
  const extras = line.modifiers.reduce((sum, id) => sum + (options.find((o) => o.id === id)?.price || 0), 0);
  return (variant ? variant.price : line.product.price) + extras;
}

function render() {
  if (state.order) return renderOrder();
  const byCategory = new Map();
  for (const p of state.menu.products) {
    const key = p.category_id || "";
    if (!byCategory.has(key)) byCategory.set(key, []);
    byCategory.get(key).push(p);
  }
  const sections = [];
  for (const [categoryId, products] of byCategory) {
    const name = state.menu.categories.find((c) => c.id === categoryId)?.name || t("other_category");
    sections.push(
      el("h2", {}, name),
      el("div", { class: "grid" }, products.map(card)),
    );
  }
  $("main").replaceChildren(...sections);
  renderCart();
}

function card(p) {
  return el(
    "article",
    { class: "card", "data-product": p.id },
    p.image_url ? el("img", { src: p.image_url, alt: "", loading: "lazy" }) : null,
    el("div", { class: "name" }, p.name),
    el("div", { class: "price" }, money(p.price)),
    el("button", { type: "button", class: "add", onclick: () => choose(p) }, t("add")),
  );
}

/** Adds `p` to the cart; a product with variants or modifiers asks which first. */
async function choose(p) {
  const chosen = await chooseOptions(p, p.modifier_groups);
  if (chosen) addLine(p, chosen.variantId, chosen.modifiers);
}

function addLine(product, variantId, modifiers) {
  const same = state.cart.find((l) => l.product.id === product.id && l.variantId === variantId &&
    l.modifiers.join() === modifiers.join());
  if (same) same.quantity += 1;
  else state.cart.push({ product, variantId, modifiers, quantity: 1 });
  renderCart();
}

function renderCart() {
  const cart = $("cart");
  if (state.cart.length === 0) {
    cart.hidden = true;
    return;
  }
  cart.hidden = false;
  const total = state.cart.reduce((sum, l) => sum + unitPrice(l) * l.quantity, 0);
  const lines = state.cart.map((l, i) => {
    const variant = l.product.variants.find((v) => v.id === l.variantId);
    const options = l.product.modifier_groups.flatMap((g) => g.options).filter((o) => l.modifiers.includes(o.id));
    const what = [l.product.name, variant?.name, ...options.map((o) => o.name)].filter(Boolean).join(", ");
    return el("div", { class: "line" },
      el("span", { class: "what" }, what),
      el("button", { type: "button", "aria-label": "-", onclick: () => { l.quantity -= 1; if (l.quantity <= 0) state.cart.splice(i, 1); renderCart(); } }, "−"),
      el("span", { class: "qty" }, l.quantity),
      el("button", { type: "button", "aria-label": "+", onclick: () => { l.quantity += 1; renderCart(); } }, "+"),
      el("span", { class: "price" }, money(unitPrice(l) * l.quantity)));
  });
  const note = el("textarea", { id: "note", rows: 2, placeholder: t("note"), maxlength: 500 });
  note.value = state.note || "";
  note.addEventListener("input", () => { state.note = note.value; });
  cart.replaceChildren(
    el("strong", {}, t("cart")),
    el("div", { class: "lines" }, lines),
    note,
    el("div", { class: "row" },
      el("span", { class: "total" }, `${t("total")} `, el("span", { id: "total", class: "price" }, money(total))),
      el("button", { type: "button", id: "place", class: "primary", disabled: state.sending, onclick: place },
        state.sending ? t("placing") : t("place"))),
  );
}

async function place() {
  state.sending = true;
  renderCart();
  const body = {
    items: state.cart.map((l) => ({
      product_id: l.product.id,
      variant_id: l.variantId,
      quantity: l.quantity,
      modifiers: l.modifiers,
    })),
    note: state.note || null,
  };
  // One key for this cart: a retry after a lost answer places the order once.
  state.key = state.key || uuid();
  try {
    const order = await postGuestOrders({ body, headers: { ...headers, "Idempotency-Key": state.key } });
    state.order = order;
    state.cart = [];
    state.note = "";
    state.key = null;
    sessionStorage.setItem(`kasir.guest.order.${token}`, order.id);
    follow();
  } catch (e) {
    $("main").prepend(el("p", { class: "error" }, t("failed", { message: e.message })));
  } finally {
    state.sending = false;
  }
  render();
}

function renderOrder() {
  const o = state.order;
  $("cart").hidden = true;
  const items = (o.items || []).map((i) => el("div", { class: "line" },
    el("span", { class: "what" }, i.name), el("span", { class: "qty" }, `× ${i.quantity}`)));
  $("main").replaceChildren(
    el("h2", {}, o.number ? t("order_number", { number: o.number }) : ""),
    el("div", { class: "status", id: "status", "data-status": o.status || "" }, o.status ? t(`status.${o.status}`) : "…"),
    el("div", {}, items),
    o.total_amount !== undefined ? el("p", { class: "total" }, `${t("total")} ${money(o.total_amount)}`) : null,
    payment(o),
    el("button", { type: "button", id: "more", onclick: () => { state.order = null; state.payment = null; sessionStorage.removeItem(`kasir.guest.order.${token}`); render(); } }, t("order_more")),
  );
  if (state.payment && state.payment.qr_string && !state.qrShown) showQr();
}

/** Paying the order online: QRIS or an e-wallet, then "paid" once the gateway confirms it. */
function payment(o) {
  if (o.paid) return el("p", { class: "paid", id: "paid" }, t("paid"));
  if (!o.number || o.status === "VOIDED" || !state.menu.pay_online) return null;
  const p = state.payment;
  if (p) {
    const wallet = p.ewallet_type || "";
    return el("div", { class: "payment", id: "payment", "data-method": p.method },
      p.qr_string ? el("p", {}, t("scan")) : null,
      p.qr_string ? el("img", { id: "qr", alt: "QRIS", width: "256", height: "256" }) : null,
      p.checkout_url ? el("a", { id: "checkout", href: p.checkout_url, target: "_blank", rel: "noopener" }, t("open_wallet", { wallet })) : null,
      el("p", { class: "muted" }, `${money(p.amount)} · ${t("waiting")}`));
  }
  const start = (body) => async () => {
    try {
      state.payment = await postGuestOrdersIdPayOnline({ path: { id: o.id }, body, headers: { ...headers, "Idempotency-Key": uuid() } });
      state.qrShown = false;
    } catch (e) {
      $("main").prepend(el("p", { class: "error" }, t("pay_failed", { message: e.message })));
      return;
    }
    render();
  };
  return el("div", { class: "pay", id: "pay" },
    el("h3", {}, t("pay_online")),
    el("button", { type: "button", id: "pay-qris", onclick: start({ method: "qris" }) }, t("pay_qris")),
    ...["DANA", "OVO", "SHOPEEPAY"].map((w) => el("button", { type: "button", class: "pay-ewallet", "data-wallet": w,
      onclick: start({ method: "ewallet", ewallet_type: w }) }, t("pay_ewallet", { wallet: w }))));
}

/** The payment's QRIS code, drawn by the server (the request carries the session's token). */
async function showQr() {
  state.qrShown = true;
  try {
    const svg = await getGuestPaymentsIdQrSvg({ path: { id: state.payment.id }, headers });
    const img = $("qr");
    if (img) img.src = URL.createObjectURL(svg);
  } catch (e) {
    state.qrShown = false;
  }
}

/** Reads the order again every few seconds while the page shows it. */
async function follow() {
  while (state.order) {
    try {
      const fresh = await getGuestOrdersId({ path: { id: state.order.id }, headers });
      if (!state.order || state.order.id !== fresh.id) return;
      const changed = fresh.status !== state.order.status || !state.order.number || fresh.paid !== state.order.paid;
      state.order = fresh;
      if (changed) render();
      if (fresh.status === "VOIDED" || (fresh.status === "DONE" && fresh.paid)) return;
    } catch (e) {
      if (e.status === 401 || e.status === 404) return;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}
