// What every Kasir web app shares: money as the shop writes it, Indonesian and English, calls to
// the API, and a small helper to build elements (text always as text, never as HTML).

const stored = localStorage.getItem("kasir.lang");
export const lang = (stored || navigator.language || "en").toLowerCase().startsWith("id") ? "id" : "en";

export function setLang(l) {
  localStorage.setItem("kasir.lang", l);
  location.reload();
}

/** Makes the page's `#lang` button switch between Indonesian and English. */
export function languageButton() {
  const button = document.getElementById("lang");
  button.textContent = lang === "id" ? "English" : "Bahasa Indonesia";
  button.addEventListener("click", () => setLang(lang === "id" ? "en" : "id"));
  document.documentElement.lang = lang;
}

const texts = { id: {}, en: {} };

/** Adds an app's texts: `{key: [indonesian, english]}`. */
export function addTexts(entries) {
  for (const [key, [id, en]] of Object.entries(entries)) {
    texts.id[key] = id;
    texts.en[key] = en;
  }
}

/** The text of `key` in the page's language, with `{name}` filled from `vars`. */
export function t(key, vars = {}) {
  let s = texts[lang][key] ?? texts.en[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Minor units of rupiah (exponent 0) as `Rp75.000`. */
export function money(amount) {
  const n = Math.round(Number(amount) || 0);
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return (n < 0 ? "-Rp" : "Rp") + digits;
}

/** A random UUID (v4), also where `crypto.randomUUID` is missing (plain http on a LAN). */
export function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Calls `/api/v1{path}`: JSON in (or a `FormData` as multipart), the envelope's `data` out, or
 * a `Blob` when the answer is a file (CSV, XLSX, PDF). A refusal is an Error with `status`,
 * `code` and the field `errors`; a network failure is the fetch's TypeError (no `status`).
 */
export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`/api/v1${path}`, init);
  const type = res.headers.get("content-type") || "";
  if (res.ok && !type.includes("json")) return res.blob();
  const json = await res.json().catch(() => null);
  if (!res.ok || !json || json.success !== true) {
    const err = new Error(json?.message || res.statusText || `HTTP ${res.status}`);
    err.status = res.status;
    err.code = json?.code;
    err.errors = json?.errors || [];
    throw err;
  }
  return json.data;
}

/** `el("button", {class: "x", onclick: f}, "text", child)`: an element with attributes and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
