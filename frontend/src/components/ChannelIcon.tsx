import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";

const COLORS: Record<string, string> = {
  whatsapp: "bg-emerald-500",
  telegram: "bg-sky-500",
  instagram: "bg-pink-500",
  facebook: "bg-blue-600",
  email: "bg-amber-500",
  tiktok: "bg-slate-900",
  web: "bg-violet-500",
};

const LETTERS: Record<string, string> = {
  whatsapp: "WA",
  telegram: "TG",
  instagram: "IG",
  facebook: "FB",
  email: "@",
  tiktok: "TT",
  web: "PG",
};

export function ChannelIcon({ platform, decorative = false }: { platform: string; decorative?: boolean }) {
  const { t } = useI18n();
  const name = t(`channel.${platform}` as MessageKey);
  return (
    <span
      title={decorative ? undefined : name}
      aria-label={decorative ? undefined : name}
      aria-hidden={decorative ? true : undefined}
      role={decorative ? undefined : "img"}
      className={`inline-grid h-7 w-7 place-items-center rounded-full text-[10px] font-bold text-white ${COLORS[platform] ?? "bg-slate-400"}`}
    >
      {LETTERS[platform] ?? "?"}
    </span>
  );
}
