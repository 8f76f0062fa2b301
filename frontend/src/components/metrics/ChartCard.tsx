import { lazy, Suspense, type ReactNode } from "react";

import { useI18n } from "../../i18n";
import { ChartBoundary } from "../dashboard/ChartBoundary";
import { Card, Spinner } from "../ui";
import type { BarRow } from "./BarsChart";
import type { MessagesRow } from "./MessagesOverTime";

const MessagesOverTime = lazy(() => import("./MessagesOverTime"));
const BarsChart = lazy(() => import("./BarsChart"));

/** A titled card holding one chart, with a fallback if the chart's code cannot load, and the figures as a table
 * for screen readers and exact reading. */
function ChartFrame({ title, hint, testId, table, children }: { title: string; hint?: string; testId: string; table: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Card testId={testId}>
      <section className="space-y-3">
        <div>
          <h2 className="text-lg font-semibold">{title}</h2>
          {hint && <p className="text-sm text-slate-500">{hint}</p>}
        </div>
        <ChartBoundary fallback={<p className="text-sm text-slate-600">{t("metrics.chart.failed")}</p>}>
          <Suspense fallback={<Spinner label={t("common.loading")} />}>
            <div className="h-64" aria-hidden>
              {children}
            </div>
          </Suspense>
        </ChartBoundary>
        <div className="sr-only">{table}</div>
      </section>
    </Card>
  );
}

function RowsTable({ rows }: { rows: BarRow[] }) {
  return (
    <table>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <th scope="row">{r.name}</th>
            <td>{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MessagesCard({ rows, labels }: { rows: MessagesRow[]; labels: { received: string; sent: string } }) {
  const { t } = useI18n();
  const table = (
    <table>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <th scope="row">{r.label}</th>
            <td>
              {labels.received}: {r.received}; {labels.sent}: {r.sent}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <ChartFrame title={t("metrics.chart.messages")} testId="metrics-messages-chart" table={table}>
      <MessagesOverTime rows={rows} labels={labels} />
    </ChartFrame>
  );
}

export function BarsCard({ title, hint, rows, testId }: { title: string; hint?: string; rows: BarRow[]; testId: string }) {
  return (
    <ChartFrame title={title} hint={hint} testId={testId} table={<RowsTable rows={rows} />}>
      <BarsChart rows={rows} />
    </ChartFrame>
  );
}
