import { useId, type ReactNode } from "react";
import { siFacebook, siInstagram, siTelegram, siTiktok, siWhatsapp, type SimpleIcon } from "simple-icons";

import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";

type Draw = (gradientId: string) => ReactNode;

/** A brand mark from Simple Icons (CC0, 24×24 paths), drawn in the brand's colour. */
function brand(icon: SimpleIcon): Draw {
  return () => <path d={icon.path} fill={`#${icon.hex}`} />;
}

// Simple Icons has one colour per brand; Instagram's mark is known by its gradient, so it gets one.
const INSTAGRAM_STOPS = ["#FEDA75", "#FA7E1E", "#D62976", "#962FBF", "#4F5BD5"];

function instagram(gradientId: string): ReactNode {
  return (
    <>
      <defs>
        <linearGradient id={gradientId} x1="0" y1="1" x2="1" y2="0">
          {INSTAGRAM_STOPS.map((color, i) => (
            <stop key={color} offset={i / (INSTAGRAM_STOPS.length - 1)} stopColor={color} />
          ))}
        </linearGradient>
      </defs>
      <path d={siInstagram.path} fill={`url(#${gradientId})`} />
    </>
  );
}

// The email channel is any mailbox (Gmail through Google, or IMAP/SMTP), so it gets a plain envelope, not Gmail's M.
function envelope(): ReactNode {
  return (
    <g fill="none" stroke="#D97706" strokeWidth="2" strokeLinejoin="round">
      <rect x="2.5" y="4.5" width="19" height="15" rx="2.5" />
      <path d="m3.5 6.5 8.5 6.5 8.5-6.5" strokeLinecap="round" />
    </g>
  );
}

// The playground is the dashboard's own web chat: a speech bubble.
function chatBubble(): ReactNode {
  return (
    <>
      <path d="M4.5 2.5h15a2.5 2.5 0 0 1 2.5 2.5v10a2.5 2.5 0 0 1-2.5 2.5H11l-5.2 4.1a.5.5 0 0 1-.8-.4v-3.7h-.5A2.5 2.5 0 0 1 2 15V5a2.5 2.5 0 0 1 2.5-2.5Z" fill="#7C3AED" />
      <g fill="#FFFFFF">
        <circle cx="7.5" cy="10" r="1.4" />
        <circle cx="12" cy="10" r="1.4" />
        <circle cx="16.5" cy="10" r="1.4" />
      </g>
    </>
  );
}

function unknown(): ReactNode {
  return <circle cx="12" cy="12" r="10" fill="#94A3B8" />;
}

const MARKS: Record<string, Draw> = {
  whatsapp: brand(siWhatsapp),
  telegram: brand(siTelegram),
  instagram,
  // The channel is the Facebook Page's Messenger inbox; businesses know it by the Facebook name and mark.
  facebook: brand(siFacebook),
  email: envelope,
  tiktok: brand(siTiktok),
  web: chatBubble,
};

/** A channel's logo. Named for assistive technology (role img) unless `decorative`, when text beside it names it. */
export function ChannelIcon({ platform, decorative = false }: { platform: string; decorative?: boolean }) {
  const { t } = useI18n();
  // useId's characters are not all safe inside url(#…), so keep only the plain ones.
  const gradientId = `channel-${useId().replace(/[^\w-]/g, "")}`;
  const name = t(`channel.${platform}` as MessageKey) ?? platform;
  const draw = MARKS[platform] ?? unknown;
  return (
    <span
      title={decorative ? undefined : name}
      aria-label={decorative ? undefined : name}
      aria-hidden={decorative ? true : undefined}
      role={decorative ? undefined : "img"}
      data-platform={platform}
      className="inline-grid h-7 w-7 shrink-0 place-items-center"
    >
      <svg viewBox="0 0 24 24" className="h-6 w-6" aria-hidden="true" focusable="false">
        {draw(gradientId)}
      </svg>
    </span>
  );
}
