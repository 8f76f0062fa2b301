import { useId, type SelectHTMLAttributes } from "react";

/** A labelled select in the look of ui.tsx's TextField. */
export function SelectField({ label, children, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { label: string }) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select
        id={id}
        className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-sm shadow-sm outline-none focus:ring-2 focus:ring-brand-500"
        {...props}
      >
        {children}
      </select>
    </div>
  );
}

export const PLANS = ["TRIAL", "FREE", "SINGLE", "DOUBLE", "GROWTH", "SPECIAL", "ENTERPRISE"] as const;
export const STATUSES = ["trialing", "active", "past_due", "canceled", "expired"] as const;

/** A date for a table cell in the UI language, or a dash. */
export function shortDate(value: string | null | undefined, language: string): string {
  return value ? new Intl.DateTimeFormat(language, { dateStyle: "medium" }).format(new Date(value)) : "—";
}
