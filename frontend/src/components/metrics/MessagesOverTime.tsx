/** Messages received and replies sent per period (loaded lazily with the chart library). */
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface MessagesRow {
  label: string;
  received: number;
  sent: number;
}

const AXIS_TICK = { fontSize: 12, fill: "#64748b" };

export default function MessagesOverTime({ rows, labels }: { rows: MessagesRow[]; labels: { received: string; sent: string } }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <AreaChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} axisLine={false} interval="preserveStartEnd" minTickGap={12} />
        <YAxis allowDecimals={false} domain={[0, (max: number) => Math.max(max, 1)]} tick={AXIS_TICK} tickLine={false} axisLine={false} width={36} />
        <Tooltip />
        <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12, paddingTop: 8 }} />
        <Area type="monotone" dataKey="received" name={labels.received} stroke="#2563eb" fill="#bfdbfe" isAnimationActive={false} />
        <Area type="monotone" dataKey="sent" name={labels.sent} stroke="#059669" fill="#a7f3d0" isAnimationActive={false} />
      </AreaChart>
    </ResponsiveContainer>
  );
}
