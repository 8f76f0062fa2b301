import type { ReactNode } from "react";

import { useI18n } from "../../i18n";
import { money, percent } from "./overviewData";
import type { Figures } from "./useOverview";

export interface BreakdownRow {
  key: string;
  name: ReactNode;
  figures: Figures;
}

/** Channels, lead sources or companies side by side: volume, the assistant's share and sales. */
export function BreakdownTable({ title, rows, testId }: { title: string; rows: BreakdownRow[]; testId: string }) {
  const { t, language } = useI18n();
  const number = new Intl.NumberFormat(language);
  const none = t("metrics.none");
  const head = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500";
  const cell = "px-3 py-2 text-slate-800";
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm" data-testid={testId}>
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="px-3 pt-3 text-left text-base font-semibold text-slate-900">{title}</caption>
        <thead>
          <tr>
            <th className={head}>{t("metrics.table.name")}</th>
            <th className={head}>{t("metrics.figure.conversations")}</th>
            <th className={head}>{t("metrics.figure.messagesIn")}</th>
            <th className={head}>{t("metrics.figure.botResolution")}</th>
            <th className={head}>{t("metrics.figure.ordersPaid")}</th>
            <th className={head}>{t("metrics.figure.revenue")}</th>
            <th className={head}>{t("metrics.figure.bookings")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row" className={`${cell} font-medium`}>
                {r.name}
              </th>
              <td className={cell}>{number.format(r.figures.conversations)}</td>
              <td className={cell}>{number.format(r.figures.messages_in)}</td>
              <td className={cell}>{percent(r.figures.bot_resolution_rate, language) ?? none}</td>
              <td className={cell}>{number.format(r.figures.orders_paid)}</td>
              <td className={cell}>{money(r.figures.revenue, language) ?? none}</td>
              <td className={cell}>{number.format(r.figures.bookings)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
