export function Logo({ compact = false }: { compact?: boolean }) {
  return (
    <span className="inline-flex items-center gap-2 font-bold text-slate-900">
      <span className="grid h-8 w-8 place-items-center rounded-lg bg-brand-600 text-sm text-white">X8</span>
      {!compact && <span className="text-lg tracking-tight">X8 Network</span>}
    </span>
  );
}
