import { useI18n } from "../../i18n";
import { useMe } from "../../queries/auth";
import { useSupportEvents, useSupportUnread } from "../../queries/support";

/** Keeps the support chat live wherever the person is in the dashboard (one stream for the whole shell).
 * Renders nothing. */
export function SupportLive() {
  const me = useMe(true);
  useSupportEvents(Boolean(me.data));
  return null;
}

/** The count of unread support messages beside the navigation's Support link; nothing when there are none. */
export function SupportUnreadBadge() {
  const { t } = useI18n();
  const me = useMe(true);
  const unread = useSupportUnread(Boolean(me.data)).data?.unread ?? 0;
  if (unread === 0) return null;
  return (
    <span
      className="ml-auto rounded-full bg-brand-600 px-2 text-xs font-semibold leading-5 text-white"
      data-testid="support-unread"
      aria-label={t("support.unread", { count: unread })}
    >
      {unread > 99 ? "99+" : unread}
    </span>
  );
}
