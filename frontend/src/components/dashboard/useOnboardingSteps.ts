import type { MessageKey } from "../../i18n/en";
import { usePermissions } from "../../lib/usePermissions";
import { useCompanies } from "../../queries/companies";
import { useConversations, type ConversationFilters } from "../../queries/conversations";
import { useAvailableChannels, useChannels } from "../../queries/integrations";
import { useKnowledgeBases } from "../../queries/kb";

export type StepId = "company" | "catalogue" | "channel";

export interface OnboardingStep {
  id: StepId;
  done: boolean;
  title: MessageKey;
  hint: MessageKey;
  /** Where to go to do it; none while an earlier step must come first. */
  actions: { to: string; label: MessageKey }[];
}

const PLAYGROUND: ConversationFilters = { channel: "web" };

/** The business's first steps, each done or not from its real data. Steps two and three concern its first
 * company (the one the first step created). Inactive, it asks the server nothing beyond the company list. */
export function useOnboardingSteps(active: boolean): { steps: OnboardingStep[]; ready: boolean } {
  const { can } = usePermissions();
  const companies = useCompanies();
  const company = active ? companies.data?.items[0] : undefined;
  const kbs = useKnowledgeBases(company?.id);
  const channels = useChannels(company?.id);
  const available = useAvailableChannels(company?.id);
  const connected = Boolean(channels.data?.items.some((c) => c.platform !== "web" && c.status === "CONNECTED"));
  // The playground's conversations are those of the sandbox `web` channel; asked only while nothing is connected.
  const playground = useConversations(company && !connected ? company.id : undefined, PLAYGROUND);
  const tried = (playground.data?.total ?? 0) > 0;
  // Offer a channel only if one can really be connected here: an adapter exists, the server is configured for it,
  // and the plan lets this business add channels.
  const canConnect =
    can("channel.connect") && Boolean(available.data?.items.some((c) => c.connectable && c.configured));

  const ready =
    !companies.isPending && ![kbs, channels, available, playground].some((q) => q.isLoading);
  const query = company ? `?company=${encodeURIComponent(company.id)}` : "";
  const steps: OnboardingStep[] = [
    {
      id: "company",
      done: Boolean(company),
      title: "dashboard.checklist.company",
      hint: "dashboard.checklist.companyHint",
      actions: [{ to: "/companies/new", label: "dashboard.checklist.companyAction" }],
    },
    {
      id: "catalogue",
      done: Boolean(kbs.data?.items.some((kb) => kb.row_count > 0)),
      title: "dashboard.checklist.catalogue",
      hint: "dashboard.checklist.catalogueHint",
      actions: company ? [{ to: `/knowledge-base${query}`, label: "dashboard.checklist.catalogueAction" }] : [],
    },
    {
      id: "channel",
      done: connected || tried,
      title: canConnect ? "dashboard.checklist.channel" : "dashboard.checklist.playground",
      hint: canConnect ? "dashboard.checklist.channelHint" : "dashboard.checklist.playgroundHint",
      actions: company
        ? [
            { to: `/playground${query}`, label: "dashboard.checklist.playgroundAction" },
            ...(canConnect ? [{ to: `/integrations${query}`, label: "dashboard.checklist.channelAction" as const }] : []),
          ]
        : [],
    },
  ];
  return { steps, ready };
}
