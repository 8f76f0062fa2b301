import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { Invoice } from "../../queries/subscriptions";
import { formatMoney } from "../purchases/money";
import { formatDate } from "./plural";

const KNOWN = new Set(["paid", "open", "void", "uncollectible", "draft"]);

/** The business's invoices from Stripe, newest first, each with a link to Stripe's page for it. A list of cards on
 * phones, a table from the small breakpoint up. */
export function InvoicesTable({ invoices }: { invoices: Invoice[] }) {
  const { t, language } = useI18n();
  if (invoices.length === 0) return <p className="text-sm text-slate-500">{t("billing.invoices.empty")}</p>;
  const status = (value: string) => (KNOWN.has(value) ? t(`billing.invoice.status.${value}` as MessageKey) : value);
  return (
    <table className="w-full text-left text-sm" data-testid="invoices">
      <thead className="hidden text-xs uppercase text-slate-500 sm:table-header-group">
        <tr>
          <th className="py-2 pr-3 font-medium">{t("billing.invoices.number")}</th>
          <th className="py-2 pr-3 font-medium">{t("billing.invoices.date")}</th>
          <th className="py-2 pr-3 font-medium">{t("billing.invoices.amount")}</th>
          <th className="py-2 pr-3 font-medium">{t("billing.invoices.status")}</th>
          <th className="py-2 font-medium" />
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {invoices.map((invoice) => (
          <tr key={invoice.id} className="grid grid-cols-2 gap-x-3 py-2 sm:table-row" data-testid="invoice-row">
            <td className="font-medium sm:py-2 sm:pr-3">{invoice.number ?? invoice.id}</td>
            <td className="text-right text-slate-600 sm:py-2 sm:pr-3 sm:text-left">{formatDate(invoice.issued_at, language)}</td>
            <td className="sm:py-2 sm:pr-3">
              {formatMoney(invoice.status === "paid" ? invoice.amount_paid : invoice.amount_due, invoice.currency.toUpperCase(), language)}
            </td>
            <td className={`text-right sm:py-2 sm:pr-3 sm:text-left ${invoice.status === "paid" ? "text-emerald-700" : "text-amber-800"}`}>
              {status(invoice.status)}
            </td>
            <td className="col-span-2 sm:py-2">
              {invoice.hosted_invoice_url && (
                <a href={invoice.hosted_invoice_url} target="_blank" rel="noreferrer" className="text-brand-700 underline">
                  {t("billing.invoices.open")}
                </a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
