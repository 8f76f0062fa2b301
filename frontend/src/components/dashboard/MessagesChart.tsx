/** The bar chart itself: the only module that imports the chart library, loaded lazily (React.lazy) so pages
 * without a chart never download it. */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { dayTotal, type CompanySeries, type DayRow } from "./messagesData";

export interface MessagesChartProps {
  rows: DayRow[];
  series: CompanySeries[];
  labels: { received: string; sent: string };
  formatNumber: (value: number) => string;
  formatDay: (day: string) => string;
}

const AXIS_TICK = { fontSize: 12, fill: "#64748b" };

function prefersReducedMotion(): boolean {
  return typeof window !== "undefined" && window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
}

function DayTooltip({ row, series, labels, formatNumber, formatDay }: Omit<MessagesChartProps, "rows"> & { row: DayRow }) {
  return (
    <div className="max-w-xs rounded-lg border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="mb-1 font-semibold text-slate-900">{formatDay(row.day)}</p>
      <ul className="space-y-1">
        {series.map((s) => {
          const counts = row.counts[s.id] ?? { received: 0, sent: 0 };
          return (
            <li key={s.id} className="flex items-start gap-2">
              <span className="mt-1 h-2 w-2 shrink-0 rounded-full" style={{ backgroundColor: s.color }} />
              <span className="min-w-0">
                <span className="block truncate font-medium text-slate-800">
                  {s.name}: {formatNumber(counts.received + counts.sent)}
                </span>
                <span className="text-slate-500">
                  {labels.received} {formatNumber(counts.received)} · {labels.sent} {formatNumber(counts.sent)}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** Messages per day, one stacked bar per day with a segment per company (customers' messages and replies
 * together; the tooltip and the table split them). */
export default function MessagesChart(props: MessagesChartProps) {
  const { rows, series, formatNumber } = props;
  const animate = !prefersReducedMotion();
  return (
    <ResponsiveContainer width="100%" height="100%">
      {/* The chart is drawn for the eye; its figure carries a text summary and the table gives every number. */}
      <BarChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} axisLine={false} interval="preserveStartEnd" minTickGap={12} />
        <YAxis
          allowDecimals={false}
          domain={[0, (dataMax: number) => Math.max(dataMax, 1)]}
          tick={AXIS_TICK}
          tickLine={false}
          axisLine={false}
          width={36}
          tickFormatter={formatNumber}
        />
        <Tooltip
          cursor={{ fill: "#f1f5f9" }}
          content={({ active, payload }) => {
            const row = payload?.[0]?.payload as DayRow | undefined;
            return active && row ? <DayTooltip {...props} row={row} /> : null;
          }}
        />
        {/* In the companies' order (as on their cards and in the stack), not alphabetically. */}
        <Legend
          iconType="circle"
          iconSize={8}
          wrapperStyle={{ fontSize: 12, paddingTop: 8 }}
          itemSorter={(item) => series.findIndex((s) => s.name === item.value)}
        />
        {series.map((s) => (
          <Bar
            key={s.id}
            name={s.name}
            dataKey={(row: DayRow) => dayTotal(row, s.id)}
            stackId="messages"
            fill={s.color}
            maxBarSize={40}
            isAnimationActive={animate}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
