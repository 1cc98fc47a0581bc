// A staff login for the apps that need one (till, kitchen, office): the login form, tokens kept
// in this browser, renewed with the refresh token before the access token runs out, and calls
// that carry it.

import { postAuthLogin, postAuthRefresh } from "./api.js";
import { addTexts, el, t } from "./common.js";

addTexts({
  "login.title": ["Masuk", "Sign in"],
  "login.username": ["Nama pengguna", "Username"],
  "login.password": ["Kata sandi", "Password"],
  "login.submit": ["Masuk", "Sign in"],
  "login.failed": ["Nama pengguna atau kata sandi salah.", "Wrong username or password."],
  "logout": ["Keluar", "Sign out"],
});

const KEY = "kasir.session";

function saved() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

function keep(pair, user) {
  const session = {
    access: pair.access_token,
    refresh: pair.refresh_token,
    // Renewed a minute before it runs out.
    renewAt: Date.now() + (pair.expires_in - 60) * 1000,
    user: user || saved()?.user,
  };
  localStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** Shows the page's `#logout` button. */
export function logoutButton() {
  const button = document.getElementById("logout");
  button.textContent = t("logout");
  button.hidden = false;
  button.addEventListener("click", logout);
}

export function logout() {
  localStorage.removeItem(KEY);
  location.reload();
}

/** The signed-in user, or null. */
export function user() {
  return saved()?.user || null;
}

/** A current access token: renewed when due; null when the login has ended. */
export async function token() {
  const s = saved();
  if (!s) return null;
  if (Date.now() < s.renewAt) return s.access;
  try {
    const pair = await postAuthRefresh({ body: { refresh_token: s.refresh } });
    return keep(pair).access;
  } catch (e) {
    if (e.status === 401) localStorage.removeItem(KEY);
    return null;
  }
}

/** The headers that carry the staff login, for the generated client's calls. */
export async function auth() {
  return { authorization: `Bearer ${await token()}` };
}

/** Shows the login form in `root` until the user signs in; resolves with the user. */
export function signIn(root) {
  if (saved()) return Promise.resolve(user());
  return new Promise((resolve) => {
    const error = el("p", { class: "error", id: "login-error", hidden: true });
    const form = el("form", { id: "login", class: "card login" },
      el("h2", {}, t("login.title")),
      el("label", {}, t("login.username"), el("input", { name: "username", autocomplete: "username", required: true })),
      el("label", {}, t("login.password"), el("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
      error,
      el("button", { type: "submit", class: "primary" }, t("login.submit")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const data = new FormData(form);
      try {
        const r = await postAuthLogin({ body: { username: data.get("username"), password: data.get("password") } });
        keep(r, r.user);
        resolve(r.user);
      } catch {
        error.textContent = t("login.failed");
        error.hidden = false;
      }
    });
    root.replaceChildren(form);
  });
}
