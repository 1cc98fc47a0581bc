// The back office (`/office`): the dashboard with its charts for a date range and an outlet;
// products (images, search, edit, CSV/XLSX import and export); stock levels and low stock; sales
// with their receipts; shifts with their reports; users and roles; report downloads. Every call
// goes through the generated client (`api.js`).

import {
  getDashboardSummary, getOutlets, getPermissions, getProducts, getProductsExport, getReportsSales, getRoles,
  getSales, getSalesIdReceipt, getShifts, getShiftsIdReport, getStock, getUsers, getWarehouses, patchProductsId,
  postProductsIdImage, postProductsImport, postRoles, postUsers,
} from "./api.js";
import { addTexts, el, lang, languageButton, money, t } from "./common.js";
import { auth, logoutButton, signIn, user } from "./session.js";

addTexts({
  "office": ["Kantor", "Back office"],
  "tab.dashboard": ["Dasbor", "Dashboard"],
  "tab.products": ["Produk", "Products"],
  "tab.stock": ["Stok", "Stock"],
  "tab.sales": ["Penjualan", "Sales"],
  "tab.shifts": ["Shift", "Shifts"],
  "tab.people": ["Pengguna & peran", "Users & roles"],
  "tab.reports": ["Laporan", "Reports"],
  "from": ["Dari", "From"],
  "to": ["Sampai", "To"],
  "all_outlets": ["Semua outlet", "All outlets"],
  "show": ["Tampilkan", "Show"],
  "kpi.sales_count": ["Transaksi", "Sales"],
  "kpi.gross_sales": ["Penjualan kotor", "Gross sales"],
  "kpi.discount_total": ["Diskon", "Discounts"],
  "kpi.refund_total": ["Retur", "Refunds"],
  "kpi.net_sales": ["Penjualan bersih", "Net sales"],
  "kpi.tax_total": ["Pajak", "Tax"],
  "kpi.average_sale": ["Rata-rata", "Average sale"],
  "chart.by_hour": ["Penjualan per jam", "Sales by hour"],
  "chart.by_day": ["Penjualan per hari", "Sales by day"],
  "chart.methods": ["Metode pembayaran", "Payment methods"],
  "chart.top": ["Produk terlaris", "Top products"],
  "nothing": ["Tidak ada data.", "No data."],
  "search": ["Cari", "Search"],
  "name": ["Nama", "Name"],
  "sku": ["SKU", "SKU"],
  "price": ["Harga", "Price"],
  "active": ["Aktif", "Active"],
  "low_stock_threshold": ["Batas stok menipis", "Low-stock threshold"],
  "image": ["Gambar", "Image"],
  "edit": ["Ubah", "Edit"],
  "save": ["Simpan", "Save"],
  "cancel": ["Batal", "Cancel"],
  "export": ["Ekspor {format}", "Export {format}"],
  "import": ["Impor CSV/XLSX", "Import CSV/XLSX"],
  "dry_run": ["Uji saja", "Dry run"],
  "imported": ["Dibuat {created}, diubah {updated}, galat {errors}", "Created {created}, updated {updated}, errors {errors}"],
  "warehouse": ["Gudang", "Warehouse"],
  "low_only": ["Hanya stok menipis", "Low stock only"],
  "quantity": ["Jumlah", "Quantity"],
  "number": ["Nomor", "Number"],
  "time": ["Waktu", "Time"],
  "total": ["Total", "Total"],
  "status": ["Status", "Status"],
  "receipt": ["Struk", "Receipt"],
  "opened": ["Dibuka", "Opened"],
  "closed": ["Ditutup", "Closed"],
  "expected": ["Kas seharusnya", "Expected cash"],
  "counted": ["Kas terhitung", "Counted cash"],
  "difference": ["Selisih", "Difference"],
  "report": ["Laporan", "Report"],
  "users": ["Pengguna", "Users"],
  "roles": ["Peran", "Roles"],
  "username": ["Nama pengguna", "Username"],
  "password": ["Kata sandi", "Password"],
  "role": ["Peran", "Role"],
  "outlets": ["Outlet", "Outlets"],
  "permissions": ["Izin", "Permissions"],
  "add_user": ["Tambah pengguna", "Add user"],
  "add_role": ["Tambah peran", "Add role"],
  "group_by": ["Kelompokkan per", "Group by"],
  "group.day": ["hari", "day"],
  "group.outlet": ["outlet", "outlet"],
  "group.cashier": ["kasir", "cashier"],
  "group.product": ["produk", "product"],
  "group.category": ["kategori", "category"],
  "download": ["Unduh {format}", "Download {format}"],
  "failed": ["Gagal: {message}", "Failed: {message}"],
  "saved": ["Tersimpan.", "Saved."],
});

const TABS = ["dashboard", "products", "stock", "sales", "shifts", "people", "reports"];
const $ = (id) => document.getElementById(id);
const state = { outlets: [], tab: "dashboard" };

languageButton();
document.title = t("office");
$("title").textContent = t("office");

start();

/** A call of the generated client with the staff login. */
async function call(fn, o = {}) {
  return fn({ ...o, headers: { ...(await auth()), ...(o.headers || {}) } });
}

function failed(e) {
  return el("p", { class: "error" }, t("failed", { message: e.message }), ...(e.errors || []).map((f) => el("div", {}, `${f.field}: ${f.message}`)));
}

async function start() {
  const me = await signIn($("main"));
  logoutButton();
  $("where").textContent = me.name || me.username;
  state.outlets = await call(getOutlets, { query: { per_page: 200 } }).catch(() => []);
  $("tabs").replaceChildren(...TABS.map((tab) => el("button", { type: "button", "data-tab": tab, onclick: () => { location.hash = tab; } }, t(`tab.${tab}`))));
  $("tabs").hidden = false;
  window.addEventListener("hashchange", route);
  route();
}

function route() {
  const tab = TABS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "dashboard";
  state.tab = tab;
  for (const b of $("tabs").children) b.classList.toggle("on", b.dataset.tab === tab);
  const views = { dashboard, products, stock, sales, shifts, people, reports };
  $("main").replaceChildren();
  views[tab]().catch((e) => $("main").append(failed(e)));
}

/** The date `n` days ago on the shop's calendar (its time zone, which business dates follow;
 * this computer's when the login does not say), `2026-11-21`. */
function daysAgo(n) {
  const at = new Date(Date.now() - n * 86400000);
  const zone = user()?.timezone;
  try {
    if (zone) return new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(at);
  } catch {
    // An unknown zone: this computer's calendar.
  }
  return `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, "0")}-${String(at.getDate()).padStart(2, "0")}`;
}
const today = () => daysAgo(0);

/** The date range and outlet filter; calls `apply({from, to, outlet_id})` on submit. */
function filters(apply, { days = 6 } = {}) {
  const form = el("form", { id: "filters", class: "row filters" },
    el("label", {}, `${t("from")} `, el("input", { type: "date", name: "from", value: daysAgo(days) })),
    el("label", {}, `${t("to")} `, el("input", { type: "date", name: "to", value: today() })),
    el("select", { name: "outlet" }, el("option", { value: "" }, t("all_outlets")), state.outlets.map((o) => el("option", { value: o.id }, o.name))),
    el("button", { type: "submit", class: "primary" }, t("show")));
  const values = () => ({ from: form.from.value, to: form.to.value, outlet_id: form.outlet.value || undefined });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); apply(values()); });
  return { form, values };
}

// ---- dashboard ----

const KPIS = ["sales_count", "gross_sales", "discount_total", "refund_total", "net_sales", "tax_total", "average_sale"];

async function dashboard() {
  const body = el("div", { id: "dashboard" });
  const f = filters(show);
  $("main").append(f.form, body);
  async function show(q) {
    body.dataset.loaded = "false";
    try {
      const [summary, days] = await Promise.all([
        call(getDashboardSummary, { query: q }),
        call(getReportsSales, { query: { ...q, group_by: "day" } }),
      ]);
      const hours = Array.from({ length: 24 }, (_, h) => ({ label: String(h).padStart(2, "0"), value: summary.by_hour.find((x) => x.hour === h)?.total || 0 }));
      body.replaceChildren(
        el("div", { class: "grid kpis" }, KPIS.map((k) => el("div", { class: "card kpi" },
          el("span", { class: "muted" }, t(`kpi.${k}`)),
          el("strong", { "data-kpi": k }, k === "sales_count" ? String(summary[k]) : money(summary[k]))))),
        el("div", { class: "grid charts" },
          chart("by-hour", t("chart.by_hour"), hours),
          chart("by-day", t("chart.by_day"), days.map((d) => ({ label: d.label.slice(5), value: d.net_sales }))),
          chart("methods", t("chart.methods"), summary.by_payment_method.map((m) => ({ label: m.name, value: m.net }))),
          chart("top", t("chart.top"), summary.top_products.map((p) => ({ label: p.name, value: p.total })))));
      body.dataset.loaded = "true";
    } catch (e) {
      body.replaceChildren(failed(e));
    }
  }
  show(f.values());
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

/** A bar chart: one bar per row, its value in `data-value` and a tooltip. */
function chart(id, title, rows) {
  const card = el("figure", { class: "card chart", id: `chart-${id}` }, el("figcaption", {}, title));
  if (rows.length === 0 || rows.every((r) => !r.value)) {
    card.append(el("p", { class: "muted" }, t("nothing")));
    return card;
  }
  const w = 480, h = 200, pad = 24;
  const max = Math.max(...rows.map((r) => r.value), 1);
  const step = (w - pad) / rows.length;
  const plot = svg("svg", { viewBox: `0 0 ${w} ${h + 40}`, role: "img", "aria-label": title });
  rows.forEach((r, i) => {
    const bh = Math.round((r.value / max) * (h - pad));
    const x = pad + i * step;
    plot.append(
      svg("rect", { x: x + 2, y: h - bh, width: Math.max(step - 4, 1), height: bh, class: "bar", "data-label": r.label, "data-value": r.value },
        svg("title", {}, `${r.label}: ${money(r.value)}`)),
      svg("text", { x: x + step / 2, y: h + 14, "text-anchor": "middle", class: "axis" }, rows.length > 12 && i % 3 ? "" : r.label.slice(0, 10)));
  });
  plot.append(svg("text", { x: 0, y: 12, class: "axis" }, money(max)));
  card.append(plot);
  return card;
}

// ---- products ----

async function download(fn, o, name) {
  const blob = await call(fn, o);
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

async function products() {
  const list = el("div", { id: "product-list" });
  const search = el("input", { type: "search", id: "product-search", placeholder: t("search") });
  const result = el("div", { id: "import-result" });
  const file = el("input", { type: "file", id: "import-file", accept: ".csv,.xlsx" });
  const dry = el("input", { type: "checkbox", id: "import-dry" });
  const load = async () => {
    const rows = await call(getProducts, { query: { search: search.value.trim() || undefined, per_page: 100 } });
    list.replaceChildren(el("table", {},
      el("tr", {}, el("th", {}, t("image")), el("th", {}, t("name")), el("th", {}, t("sku")), el("th", { class: "num" }, t("price")), el("th", {}, t("active")), el("th", {})),
      rows.map((p) => el("tr", { "data-product": p.id },
        el("td", {}, p.image_url ? el("img", { src: p.image_url, alt: "", class: "thumb", loading: "lazy" }) : ""),
        el("td", { class: "name" }, p.name), el("td", {}, p.sku || ""), el("td", { class: "price" }, money(p.price)),
        el("td", {}, p.is_active ? "✓" : "—"),
        el("td", {}, el("button", { type: "button", class: "edit", onclick: () => edit(p, load) }, t("edit")))))));
  };
  search.addEventListener("input", () => load());
  const doImport = async () => {
    if (!file.files[0]) return;
    const body = new FormData();
    body.append("file", file.files[0]);
    try {
      const r = await call(postProductsImport, { query: { dry_run: dry.checked }, body });
      result.replaceChildren(el("p", { id: "import-summary" }, t("imported", { created: r.created, updated: r.updated, errors: r.errors.length })),
        ...r.errors.slice(0, 50).map((e) => el("div", { class: "error" }, `#${e.row} ${e.field}: ${e.message}`)));
      if (!dry.checked) load();
    } catch (e) {
      result.replaceChildren(failed(e));
    }
  };
  $("main").append(
    el("div", { class: "row" }, search,
      el("button", { type: "button", id: "export-csv", onclick: () => download(getProductsExport, { query: { format: "csv" } }, "products.csv") }, t("export", { format: "CSV" })),
      el("button", { type: "button", id: "export-xlsx", onclick: () => download(getProductsExport, { query: { format: "xlsx" } }, "products.xlsx") }, t("export", { format: "XLSX" }))),
    el("div", { class: "row" }, el("label", {}, `${t("import")} `, file), el("label", {}, dry, ` ${t("dry_run")}`),
      el("button", { type: "button", id: "import", onclick: doImport }, t("import"))),
    result, list);
  await load();
}

function edit(p, reload) {
  const form = el("form", { id: "edit-product", method: "dialog" }, el("h2", {}, p.name),
    el("label", {}, t("name"), el("input", { name: "name", value: p.name, required: true })),
    el("label", {}, t("sku"), el("input", { name: "sku", value: p.sku || "" })),
    el("label", {}, t("price"), el("input", { name: "price", type: "number", min: 0, step: 1, value: p.price, required: true })),
    el("label", {}, t("low_stock_threshold"), el("input", { name: "low", type: "number", min: 0, step: "any", value: p.low_stock_threshold ?? "" })),
    el("label", {}, el("input", { name: "active", type: "checkbox", checked: p.is_active }), ` ${t("active")}`),
    el("label", {}, t("image"), el("input", { name: "image", type: "file", accept: "image/*" })));
  const error = el("div", {});
  form.append(error, el("div", { class: "row" }, el("button", { type: "submit", value: "cancel", formnovalidate: true }, t("cancel")),
    el("button", { type: "submit", value: "ok", class: "primary", id: "save-product" }, t("save"))));
  const dialog = el("dialog", {}, form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (ev.submitter?.value !== "ok") return dialog.close();
    try {
      const body = { name: form.name.value.trim(), sku: form.sku.value.trim(), price: Number(form.price.value), is_active: form.active.checked };
      if (form.low.value !== "") body.low_stock_threshold = Number(form.low.value);
      await call(patchProductsId, { path: { id: p.id }, body, headers: { "If-Match": String(p.version) } });
      if (form.image.files[0]) {
        const fd = new FormData();
        fd.append("file", form.image.files[0]);
        await call(postProductsIdImage, { path: { id: p.id }, body: fd });
      }
      dialog.close();
      reload();
    } catch (e) {
      error.replaceChildren(failed(e));
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

// ---- stock ----

async function stock() {
  const warehouses = await call(getWarehouses, { query: { per_page: 200 } });
  const names = new Map((await call(getProducts, { query: { per_page: 200 } })).map((p) => [p.id, p.name]));
  const pick = el("select", { id: "warehouse" }, warehouses.map((w) => el("option", { value: w.id }, w.name)));
  const low = el("input", { type: "checkbox", id: "low-only" });
  const list = el("div", { id: "stock-list" });
  const load = async () => {
    const rows = await call(getStock, { query: { warehouse_id: pick.value || undefined, low_only: low.checked || undefined, per_page: 200 } });
    list.replaceChildren(rows.length === 0 ? el("p", { class: "muted" }, t("nothing")) : el("table", {},
      el("tr", {}, el("th", {}, t("name")), el("th", { class: "num" }, t("quantity")), el("th", { class: "num" }, t("low_stock_threshold"))),
      rows.map((r) => el("tr", { class: r.low_stock_threshold != null && r.quantity <= r.low_stock_threshold ? "low" : "", "data-product": r.product_id },
        el("td", {}, names.get(r.product_id) || r.product_id), el("td", { class: "price" }, String(r.quantity)), el("td", { class: "price" }, r.low_stock_threshold ?? "")))));
  };
  pick.addEventListener("change", load);
  low.addEventListener("change", load);
  $("main").append(el("div", { class: "row" }, el("label", {}, `${t("warehouse")} `, pick), el("label", {}, low, ` ${t("low_only")}`)), list);
  await load();
}

// ---- sales and shifts ----

async function openBlob(fn, o) {
  const blob = await call(fn, o);
  window.open(URL.createObjectURL(blob), "_blank");
}

async function sales() {
  const list = el("div", { id: "sale-list" });
  const f = filters(async (q) => {
    const rows = await call(getSales, { query: { ...q, per_page: 200 } });
    list.replaceChildren(rows.length === 0 ? el("p", { class: "muted" }, t("nothing")) : el("table", {},
      el("tr", {}, el("th", {}, t("number")), el("th", {}, t("time")), el("th", { class: "num" }, t("total")), el("th", {}, t("status")), el("th", {})),
      rows.map((s) => el("tr", { "data-sale": s.id },
        el("td", {}, s.number), el("td", {}, new Date(s.created_at).toLocaleString(lang)), el("td", { class: "price" }, money(s.total)), el("td", {}, s.status),
        el("td", {}, el("button", { type: "button", class: "receipt-pdf", onclick: () => openBlob(getSalesIdReceipt, { path: { id: s.id }, query: { format: "pdf", width: 80 } }) }, t("receipt")))))));
  }, { days: 0 });
  $("main").append(f.form, list);
  f.form.requestSubmit();
}

async function shifts() {
  const rows = await call(getShifts, { query: { per_page: 100 } });
  $("main").append(el("table", { id: "shift-list" },
    el("tr", {}, el("th", {}, t("opened")), el("th", {}, t("closed")), el("th", { class: "num" }, t("expected")), el("th", { class: "num" }, t("counted")), el("th", { class: "num" }, t("difference")), el("th", {})),
    rows.map((s) => el("tr", { "data-shift": s.id },
      el("td", {}, new Date(s.opened_at).toLocaleString(lang)), el("td", {}, s.closed_at ? new Date(s.closed_at).toLocaleString(lang) : "—"),
      el("td", { class: "price" }, s.expected_cash == null ? "" : money(s.expected_cash)), el("td", { class: "price" }, s.end_cash == null ? "" : money(s.end_cash)),
      el("td", { class: "price" }, s.cash_difference == null ? "" : money(s.cash_difference)),
      el("td", {}, el("button", { type: "button", onclick: () => shiftReport(s) }, t("report")))))));
}

async function shiftReport(s) {
  const r = await call(getShiftsIdReport, { path: { id: s.id } });
  const rows = [["kpi.sales_count", r.sales_count, false], ["kpi.gross_sales", r.gross_sales], ["kpi.discount_total", r.discount_total], ["kpi.refund_total", r.refund_total],
    ["kpi.net_sales", r.net_sales], ["expected", r.expected_cash], ["counted", r.end_cash], ["difference", r.cash_difference]];
  const dialog = el("dialog", { id: "shift-report" }, el("h2", {}, t("report")),
    el("table", {}, rows.map(([k, v, isMoney = true]) => el("tr", {}, el("th", {}, t(k)), el("td", { class: "price" }, v == null ? "—" : isMoney ? money(v) : String(v)))),
      r.by_payment_method.map((m) => el("tr", {}, el("th", {}, m.name), el("td", { class: "price" }, money(m.net))))),
    el("form", { method: "dialog" }, el("button", { class: "primary" }, "OK")));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

// ---- users and roles ----

async function people() {
  const [users, roles, permissions] = await Promise.all([
    call(getUsers, { query: { per_page: 200 } }), call(getRoles, { query: { per_page: 200 } }), call(getPermissions).catch(() => []),
  ]);
  const roleNames = ["super_admin", "admin", "cashier", "kitchen", ...roles.map((r) => r.name)];
  const userForm = el("form", { id: "new-user", class: "card" }, el("h2", {}, t("add_user")),
    el("input", { name: "username", placeholder: t("username"), required: true }),
    el("input", { name: "password", type: "password", placeholder: t("password"), required: true, minlength: 8 }),
    el("input", { name: "name", placeholder: t("name") }),
    el("select", { name: "role" }, [...new Set(roleNames)].map((r) => el("option", { value: r }, r))),
    el("select", { name: "outlets", multiple: true }, state.outlets.map((o) => el("option", { value: o.id }, o.name))),
    el("button", { type: "submit", class: "primary" }, t("save")));
  const userMsg = el("div", {});
  userForm.append(userMsg);
  userForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await call(postUsers, { body: {
        username: userForm.username.value.trim(), password: userForm.password.value, name: userForm.name.value.trim() || undefined,
        role: userForm.role.value, outlet_ids: [...userForm.outlets.selectedOptions].map((o) => o.value),
      } });
      route();
    } catch (e) {
      userMsg.replaceChildren(failed(e));
    }
  });
  const roleForm = el("form", { id: "new-role", class: "card" }, el("h2", {}, t("add_role")),
    el("input", { name: "name", placeholder: t("name"), required: true }),
    el("div", { class: "perms" }, permissions.map((p) => el("label", {}, el("input", { type: "checkbox", name: "perm", value: p.name, title: p.description }), ` ${p.name}`))),
    el("button", { type: "submit", class: "primary" }, t("save")));
  const roleMsg = el("div", {});
  roleForm.append(roleMsg);
  roleForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await call(postRoles, { body: { name: roleForm.name.value.trim(), permissions: [...roleForm.querySelectorAll("input[name=perm]:checked")].map((i) => i.value) } });
      route();
    } catch (e) {
      roleMsg.replaceChildren(failed(e));
    }
  });
  const outletName = (id) => state.outlets.find((o) => o.id === id)?.name || id;
  $("main").append(
    el("h2", {}, t("users")),
    el("table", { id: "user-list" }, el("tr", {}, el("th", {}, t("username")), el("th", {}, t("name")), el("th", {}, t("role")), el("th", {}, t("outlets")), el("th", {}, t("active"))),
      users.map((u) => el("tr", { "data-user": u.id }, el("td", {}, u.username), el("td", {}, u.name || ""), el("td", {}, u.role),
        el("td", {}, (u.outlet_ids || []).map(outletName).join(", ")), el("td", {}, u.is_active ? "✓" : "—")))),
    el("h2", {}, t("roles")),
    el("table", { id: "role-list" }, roles.map((r) => el("tr", {}, el("th", {}, r.name), el("td", {}, (r.permissions || []).join(", "))))),
    el("div", { class: "grid forms" }, userForm, roleForm));
}

// ---- reports ----

async function reports() {
  const group = el("select", { id: "group-by" }, ["day", "outlet", "cashier", "product", "category"].map((g) => el("option", { value: g }, t(`group.${g}`))));
  const table = el("div", { id: "report-table" });
  const f = filters(async (q) => {
    const rows = await call(getReportsSales, { query: { ...q, group_by: group.value } });
    table.replaceChildren(rows.length === 0 ? el("p", { class: "muted" }, t("nothing")) : el("table", {},
      el("tr", {}, el("th", {}, t(`group.${group.value}`)), el("th", { class: "num" }, t("kpi.sales_count")), el("th", { class: "num" }, t("kpi.gross_sales")),
        el("th", { class: "num" }, t("kpi.discount_total")), el("th", { class: "num" }, t("kpi.refund_total")), el("th", { class: "num" }, t("kpi.net_sales"))),
      rows.map((r) => el("tr", {}, el("td", {}, r.label), el("td", { class: "price" }, String(r.sales_count)), el("td", { class: "price" }, money(r.gross_sales)),
        el("td", { class: "price" }, money(r.discount_total)), el("td", { class: "price" }, money(r.refund_total)), el("td", { class: "price" }, money(r.net_sales))))));
  });
  const get = (format) => download(getReportsSales, { query: { ...f.values(), group_by: group.value, format } }, `sales-${group.value}.${format}`);
  f.form.prepend(el("label", {}, `${t("group_by")} `, group));
  $("main").append(f.form,
    el("div", { class: "row" }, el("button", { type: "button", id: "report-csv", onclick: () => get("csv") }, t("download", { format: "CSV" })),
      el("button", { type: "button", id: "report-xlsx", onclick: () => get("xlsx") }, t("download", { format: "XLSX" }))),
    table);
  f.form.requestSubmit();
}
