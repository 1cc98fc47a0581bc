// The server's pricing engine (kasir-domain's `pricing`), step for step, so that the till shows
// the total the server will charge and an offline sale pays exactly what it comes to when pushed.
// Money is integer minor units, quantities thousandths, rates basis points. The test
// `the_till_prices_as_the_server_does` rings the same carts in both.

/** `a × n ÷ d`, rounded half away from zero (Money::mul_div). */
function mulDiv(a, n, d) {
  const den = BigInt(Math.max(1, d));
  const product = BigInt(a) * BigInt(n);
  const half = den / 2n;
  const q = product >= 0n ? (product + half) / den : (product - half) / den;
  return Number(q);
}

/** `amount × part ÷ whole` with `part` between 0 and `whole` (Money::share). */
function share(amount, part, whole) {
  if (whole <= 0) return 0;
  return mulDiv(amount, Math.min(Math.max(part, 0), whole), whole);
}

/** What discount `d` (`{type: "percent"|"amount", value}`) takes off `base`, at most `max`. */
export function discountAmount(d, base, max = null) {
  base = Math.max(0, base);
  const raw = d.type === "percent" ? share(base, d.value, 10000) : Math.max(0, d.value);
  return Math.min(raw, max === null || max === undefined ? Infinity : Math.max(0, max), base);
}

function taxOf(net, tax) {
  const rate = Math.min(Math.max(tax.rate_bps, 0), 10000);
  net = Math.max(0, net);
  return tax.inclusive ? share(net, rate, 10000 + rate) : share(net, rate, 10000);
}

function roundToStep(amount, step) {
  if (step <= 1 || amount <= 0) return Math.max(0, amount);
  return mulDiv(mulDiv(amount, 1, step), step, 1);
}

/** Shares `amount` over the covered lines by their net, largest remainder first. */
function shareOut(lines, covered, amount) {
  const base = lines.reduce((s, l, i) => (covered[i] ? s + BigInt(l.net) : s), 0n);
  if (base <= 0n || amount <= 0) return;
  const amt = BigInt(amount) < base ? BigInt(amount) : base;
  const shares = [];
  let given = 0n;
  lines.forEach((l, i) => {
    if (covered[i] && l.net > 0) {
      const exact = amt * BigInt(l.net);
      const s = exact / base;
      given += s;
      shares.push({ i, share: s, rem: exact % base });
    }
  });
  const order = shares.map((_, k) => k).sort((a, b) => (shares[b].rem > shares[a].rem ? 1 : shares[b].rem < shares[a].rem ? -1 : a - b));
  let left = amt - given;
  for (const k of order) {
    if (left === 0n) break;
    if (shares[k].share < BigInt(lines[shares[k].i].net)) {
      shares[k].share += 1n;
      left -= 1n;
    }
  }
  for (const { i, share: s } of shares) {
    lines[i].order_discount += Number(s);
    lines[i].net -= Number(s);
  }
}

/**
 * Prices an order: `{lines: [{product_id, category_id, unit_price, quantity (thousandths),
 * discount, tax: {rate_bps, inclusive}}], discount, promotions: [{id, discount, min_purchase,
 * max_discount, product_ids, category_ids}], voucher: {id, discount, min_purchase, max_discount},
 * cash_rounding}`.
 */
export function price(order) {
  const lines = order.lines.map((l) => {
    const gross = mulDiv(Math.max(0, l.unit_price), Math.max(0, l.quantity), 1000);
    const lineDiscount = l.discount ? discountAmount(l.discount, gross) : 0;
    return { gross, line_discount: lineDiscount, order_discount: 0, net: gross - lineDiscount, tax: 0, total: 0 };
  });
  const subtotal = lines.reduce((s, l) => s + l.gross, 0);
  const applied = [];
  const sumNet = (covered) => lines.reduce((s, l, i) => (covered[i] ? s + l.net : s), 0);
  for (const promo of order.promotions || []) {
    const covered = order.lines.map((l) =>
      (promo.product_ids.length === 0 && promo.category_ids.length === 0) ||
      promo.product_ids.includes(l.product_id) ||
      (l.category_id != null && promo.category_ids.includes(l.category_id)));
    const base = sumNet(covered);
    if (base === 0 || base < promo.min_purchase) continue;
    const amount = discountAmount(promo.discount, base, promo.max_discount);
    if (amount > 0) {
      shareOut(lines, covered, amount);
      applied.push({ source: "promotion", id: promo.id, amount });
    }
  }
  const all = lines.map(() => true);
  if (order.discount) {
    const amount = discountAmount(order.discount, sumNet(all));
    if (amount > 0) {
      shareOut(lines, all, amount);
      applied.push({ source: "order", amount });
    }
  }
  let voucherRefused = null;
  if (order.voucher) {
    const base = sumNet(all);
    if (base < order.voucher.min_purchase) voucherRefused = { min_purchase: order.voucher.min_purchase };
    else {
      const amount = discountAmount(order.voucher.discount, base, order.voucher.max_discount);
      if (amount > 0) {
        shareOut(lines, all, amount);
        applied.push({ source: "voucher", id: order.voucher.id, amount });
      }
    }
  }
  order.lines.forEach((l, i) => {
    const p = lines[i];
    p.tax = l.tax ? taxOf(p.net, l.tax) : 0;
    p.total = p.net + (l.tax && !l.tax.inclusive ? p.tax : 0);
  });
  const beforeRounding = lines.reduce((s, l) => s + l.total, 0);
  const total = roundToStep(beforeRounding, order.cash_rounding || 0);
  return {
    lines,
    subtotal,
    discount_total: lines.reduce((s, l) => s + (l.gross - l.net), 0),
    tax_total: lines.reduce((s, l) => s + l.tax, 0),
    rounding: total - beforeRounding,
    total,
    applied,
    voucher_refused: voucherRefused,
  };
}

/** The part of `amount` (for `sold` units) that `quantity` more units after `already` carry. */
export function refundShare(amount, sold, already, quantity) {
  const upto = (q) => share(Math.max(0, amount), q, sold);
  return Math.max(0, upto(already + quantity) - upto(already));
}
