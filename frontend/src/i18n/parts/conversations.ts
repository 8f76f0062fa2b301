// Words of one part of the dashboard, kept apart so each part's keys live beside each other.
// Every key needs both languages: `ru` is typed by `en`'s keys, so tsc fails on a missing one.
export const en = {
  "conversations.list": "Conversations",
  "conversations.searchClear": "Clear search",
  "conversations.filtersClear": "Clear filters",
  "conversations.noneYet": "No conversations yet.",
  "conversations.noneYetHint": "Chat with your assistant in the Playground to see how it answers, or connect a channel.",
  "conversations.noneYetStaffHint": "Customers' chats appear here as they arrive.",
  "conversations.openPlayground": "Open the Playground",
  "conversations.noMatchQuery": "No conversations match “{q}”.",
  "conversations.noMatchFilters": "No conversations match these filters.",
  "conversations.choose": "Choose a conversation",
  "conversations.chooseHint": "Pick a chat on the left to read it and reply.",
  "conversations.back": "Back to conversations",
  "conversations.pause": "Pause assistant",
  "conversations.pausedUntil": "until {time}",
  "conversations.noMessages": "No messages in this conversation yet.",
} as const;

export const ru: Record<keyof typeof en, string> = {
  "conversations.list": "Диалоги",
  "conversations.searchClear": "Очистить поиск",
  "conversations.filtersClear": "Сбросить фильтры",
  "conversations.noneYet": "Диалогов пока нет.",
  "conversations.noneYetHint": "Напишите ассистенту в Песочнице, чтобы увидеть, как он отвечает, или подключите канал.",
  "conversations.noneYetStaffHint": "Чаты с клиентами появятся здесь, как только клиенты напишут.",
  "conversations.openPlayground": "Открыть Песочницу",
  "conversations.noMatchQuery": "По запросу «{q}» диалогов не найдено.",
  "conversations.noMatchFilters": "Нет диалогов, подходящих под эти фильтры.",
  "conversations.choose": "Выберите диалог",
  "conversations.chooseHint": "Выберите чат слева, чтобы прочитать его и ответить.",
  "conversations.back": "Назад к диалогам",
  "conversations.pause": "Приостановить ассистента",
  "conversations.pausedUntil": "до {time}",
  "conversations.noMessages": "В этом диалоге пока нет сообщений.",
};
