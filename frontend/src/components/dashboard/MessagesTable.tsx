import { useI18n } from "../../i18n";
import type { CompanySeries, DayRow } from "./messagesData";

/** Every number behind the chart, for anyone who prefers (or needs) a table to a picture. */
export function MessagesTable({
  rows,
  series,
  formatDay,
  formatNumber,
}: {
  rows: DayRow[];
  series: CompanySeries[];
  formatDay: (day: string) => string;
  formatNumber: (value: number) => string;
}) {
  const { t } = useI18n();
  const cell = "px-3 py-1.5 text-right tabular-nums";
  return (
    <div className="overflow-x-auto">
      <table className="min-w-max text-sm" data-testid="messages-table">
        <caption className="sr-only">{t("dashboard.chart.tableCaption")}</caption>
        <thead className="text-xs text-slate-500">
          <tr>
            <th scope="col" rowSpan={2} className="px-3 py-1.5 text-left font-medium">
              {t("dashboard.chart.day")}
            </th>
            {series.map((s) => (
              <th key={s.id} scope="colgroup" colSpan={2} className="px-3 py-1.5 text-center font-medium text-slate-700">
                {s.name}
              </th>
            ))}
          </tr>
          <tr>
            {series.map((s) => [
              <th key={`${s.id}-in`} scope="col" className="px-3 py-1 text-right font-normal">
                {t("dashboard.chart.received")}
              </th>,
              <th key={`${s.id}-out`} scope="col" className="px-3 py-1 text-right font-normal">
                {t("dashboard.chart.sent")}
              </th>,
            ])}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.day}>
              <th scope="row" className="px-3 py-1.5 text-left font-normal text-slate-700">
                {formatDay(row.day)}
              </th>
              {series.map((s) => [
                <td key={`${s.id}-in`} className={cell}>
                  {formatNumber(row.counts[s.id]?.received ?? 0)}
                </td>,
                <td key={`${s.id}-out`} className={cell}>
                  {formatNumber(row.counts[s.id]?.sent ?? 0)}
                </td>,
              ])}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
