/** The few line icons the chat screens use; always decorative: the button or field around one carries its name. */
const PATHS = {
  search: "M11 18a7 7 0 100-14 7 7 0 000 14zM21 21l-4.3-4.3",
  clear: "M6 6l12 12M18 6L6 18",
  back: "M15 18l-6-6 6-6",
  send: "M22 2L11 13M22 2l-7 20-4-9-9-4 20-7z",
  pause: "M9 5v14M15 5v14",
  play: "M7 4l13 8-13 8z",
} as const;

export function ChatIcon({ name, className = "h-5 w-5" }: { name: keyof typeof PATHS; className?: string }) {
  return (
    <svg viewBox="0 0 24 24" className={className} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
