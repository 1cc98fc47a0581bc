// Asks which variant and modifiers of a product (guest page and till): a dialog with the
// variants as radio buttons and each modifier group as radio buttons (one choice) or check boxes.

import { addTexts, el, money, t } from "./common.js";

addTexts({
  "choose.cancel": ["Batal", "Cancel"],
  "choose.ok": ["Pilih", "Choose"],
});

/**
 * `product` has `name`, `price` and `variants` ([{id, name, price}]); `groups` are its modifier
 * groups ([{id, name, max_select, options: [{id, name, price}]}]). Resolves with
 * `{variantId, modifiers}`, at once when there is nothing to choose, or null when cancelled.
 */
export function chooseOptions(product, groups) {
  const variants = product.variants || [];
  if (variants.length === 0 && groups.length === 0) return Promise.resolve({ variantId: null, modifiers: [] });
  const form = el("form", { method: "dialog" });
  if (variants.length) {
    form.append(el("fieldset", {}, el("legend", {}, product.name),
      variants.map((v, i) => el("label", {},
        el("input", { type: "radio", name: "variant", value: v.id, checked: i === 0 }),
        ` ${v.name} (${money(v.price ?? product.price)})`, el("br")))));
  }
  for (const g of groups) {
    const type = g.max_select === 1 ? "radio" : "checkbox";
    form.append(el("fieldset", { "data-group": g.id }, el("legend", {}, g.name),
      g.options.map((o) => el("label", {}, el("input", { type, name: `g-${g.id}`, value: o.id }), ` ${o.name} (+${money(o.price)})`, el("br")))));
  }
  const dialog = el("dialog", {}, form);
  form.append(el("div", { class: "row" },
    el("button", { value: "cancel", type: "submit" }, t("choose.cancel")),
    el("button", { value: "ok", type: "submit", class: "primary" }, t("choose.ok"))));
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      const chosen = dialog.returnValue === "ok" ? {
        variantId: form.querySelector("input[name=variant]:checked")?.value || null,
        modifiers: [...form.querySelectorAll("fieldset[data-group] input:checked")].map((i) => i.value),
      } : null;
      dialog.remove();
      resolve(chosen);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
