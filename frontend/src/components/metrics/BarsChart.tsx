/** Horizontal bars, one per named value: the conversion funnel and the channel and lead-source splits (loaded
 * lazily with the chart library). */
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface BarRow {
  name: string;
  value: number;
}

const PALETTE = ["#2563eb", "#7c3aed", "#059669", "#d97706", "#db2777", "#0891b2"];
const AXIS_TICK = { fontSize: 12, fill: "#475569" };

export default function BarsChart({ rows }: { rows: BarRow[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} layout="vertical" accessibilityLayer={false} margin={{ top: 4, right: 40, bottom: 4, left: 8 }}>
        <CartesianGrid horizontal={false} stroke="#e2e8f0" />
        <XAxis type="number" allowDecimals={false} domain={[0, (max: number) => Math.max(max, 1)]} tick={AXIS_TICK} tickLine={false} axisLine={false} />
        <YAxis type="category" dataKey="name" tick={AXIS_TICK} tickLine={false} axisLine={false} width={150} />
        <Tooltip cursor={{ fill: "#f1f5f9" }} />
        <Bar dataKey="value" maxBarSize={28} isAnimationActive={false}>
          {rows.map((row, i) => (
            <Cell key={row.name} fill={PALETTE[i % PALETTE.length]} />
          ))}
          <LabelList dataKey="value" position="right" fontSize={12} fill="#0f172a" />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
