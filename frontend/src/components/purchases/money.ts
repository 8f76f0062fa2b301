import type { Purchase } from "../../queries/purchases";

/** An amount as the API gives it (a decimal string in major units, "2490.00"), written the UI language's way:
 * "$2,490.00", "2 490,00 ₽". A currency code Intl does not know is written as the number and the code. */
export function formatMoney(amount: string, currency: string, language: string): string {
  const value = Number(amount);
  try {
    return new Intl.NumberFormat(language, { style: "currency", currency }).format(value);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** A decimal string in minor units and its number of decimals: "24.90" → [2490, 2]. Sums are made in whole minor
 * units, so adding many amounts never picks up floating-point dust. */
function toMinor(amount: string): [minor: number, scale: number] {
  const [whole, fraction = ""] = amount.split(".");
  return [Number(`${whole}${fraction}`), fraction.length];
}

function toMajor(minor: number, scale: number): string {
  if (scale === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(scale + 1, "0");
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export interface CurrencyTotal {
  currency: string;
  orders: number;
  paid: string; // received: paid orders
  awaiting: string; // links sent and not paid yet: pending orders
}

/** Per currency (orders in different currencies never add up): how many orders, what was paid and what is still
 * awaited. Failed, expired and refunded orders count as orders but bring no money. */
export function totalsByCurrency(orders: readonly Purchase[]): CurrencyTotal[] {
  const sums = new Map<string, { orders: number; paid: number; awaiting: number; scale: number }>();
  for (const order of orders) {
    const [minor, scale] = toMinor(order.amount);
    const sum = sums.get(order.currency) ?? { orders: 0, paid: 0, awaiting: 0, scale };
    if (scale > sum.scale) {
      // The API writes one currency with one number of decimals; should that ever differ, nothing is lost.
      const factor = 10 ** (scale - sum.scale);
      sum.paid *= factor;
      sum.awaiting *= factor;
      sum.scale = scale;
    }
    sum.orders += 1;
    const scaled = minor * 10 ** (sum.scale - scale);
    if (order.status === "paid") sum.paid += scaled;
    if (order.status === "pending") sum.awaiting += scaled;
    sums.set(order.currency, sum);
  }
  return [...sums.entries()]
    .map(([currency, sum]) => ({
      currency,
      orders: sum.orders,
      paid: toMajor(sum.paid, sum.scale),
      awaiting: toMajor(sum.awaiting, sum.scale),
    }))
    .sort((a, b) => b.orders - a.orders || a.currency.localeCompare(b.currency));
}
