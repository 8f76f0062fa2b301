import { useId, useState, type DragEvent } from "react";

import { useI18n, type Language } from "../../i18n";

// What the server's importer reads: CSV (any encoding, UTF-16 included), .xlsx, and Excel's "Unicode Text" (.txt).
const EXTENSIONS = [".csv", ".xlsx", ".txt"];
const ACCEPT = [...EXTENSIONS, "text/csv", "text/plain", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"].join(",");

function isCatalogue(file: File): boolean {
  const name = file.name.toLowerCase();
  return EXTENSIONS.some((extension) => name.endsWith(extension));
}

function formatSize(bytes: number, language: Language): string {
  const [value, unit] =
    bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), "megabyte"] : bytes >= 1024 ? [bytes / 1024, "kilobyte"] : [bytes, "byte"];
  // "12.3 kB", but "96 bytes": the short form of a byte is the singular "byte" in English.
  const unitDisplay = unit === "byte" ? "long" : "short";
  return new Intl.NumberFormat(language, { style: "unit", unit, unitDisplay, maximumFractionDigits: 1 }).format(value);
}

/** Dragging needs a mouse: a touch screen is asked to tap instead. */
function Prompt({ fine, coarse }: { fine: string; coarse: string }) {
  return (
    <>
      <span className="pointer-coarse:hidden">{fine}</span>
      <span className="hidden pointer-coarse:inline">{coarse}</span>
    </>
  );
}

/**
 * The catalogue file: dragged onto the zone, or chosen by a click or the keyboard (the real file input, visually
 * hidden, sits inside the zone and keeps its name for assistive technology).
 */
export function CatalogueDropZone({ file, onFile }: { file: File | null; onFile: (file: File) => void }) {
  const { t, language } = useI18n();
  const hintId = useId();
  const [dragging, setDragging] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);

  function take(candidate: File | undefined) {
    if (!candidate) return;
    if (!isCatalogue(candidate)) {
      setRefused(candidate.name);
      return;
    }
    setRefused(null);
    onFile(candidate);
  }

  function onDragOver(event: DragEvent) {
    event.preventDefault(); // without it the browser opens the file instead of dropping it here
    event.dataTransfer.dropEffect = "copy";
    setDragging(true);
  }

  function onDragLeave(event: DragEvent) {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    take(event.dataTransfer.files[0]);
  }

  const tone = dragging
    ? "border-brand-500 bg-brand-50"
    : refused
      ? "border-red-300 bg-red-50/40"
      : "border-slate-300 bg-slate-50 hover:border-brand-400 hover:bg-brand-50/40";
  return (
    <div className="space-y-2">
      <label
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        data-testid="catalogue-drop-zone"
        data-dragging={dragging || undefined}
        className={`flex cursor-pointer items-center gap-4 rounded-xl border-2 border-dashed px-4 py-5 transition focus-within:border-brand-500 focus-within:ring-2 focus-within:ring-brand-500/40 ${tone}`}
      >
        <input
          type="file"
          accept={ACCEPT}
          aria-label={t("kb.file")}
          aria-describedby={hintId}
          className="sr-only"
          onChange={(e) => {
            take(e.target.files?.[0]);
            e.target.value = ""; // choosing the same file again (after editing it) still counts as a choice
          }}
        />
        <span aria-hidden="true" className="grid h-11 w-11 shrink-0 place-items-center rounded-lg bg-white text-brand-600 shadow-sm ring-1 ring-slate-200">
          <svg viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
            {file ? (
              <>
                <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
                <path d="M14 3v5h5M9 13h6M9 17h6" />
              </>
            ) : (
              <path d="M12 16V4m0 0L7.5 8.5M12 4l4.5 4.5M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" />
            )}
          </svg>
        </span>
        <span id={hintId} className="min-w-0 text-sm" aria-live="polite">
          {file ? (
            <>
              <span className="block truncate font-semibold text-slate-900" data-testid="chosen-file">
                <span className="sr-only">{t("polish.kb.chosen", { name: file.name, size: formatSize(file.size, language) })}</span>
                <span aria-hidden="true">
                  {file.name} <span className="font-normal text-slate-500">· {formatSize(file.size, language)}</span>
                </span>
              </span>
              <span className="block text-slate-600">
                {dragging ? t("polish.kb.dropActive") : <Prompt fine={t("polish.kb.change")} coarse={t("polish.kb.tapAnother")} />}
              </span>
            </>
          ) : (
            <>
              <span className="block font-semibold text-slate-900">
                {dragging ? t("polish.kb.dropActive") : <Prompt fine={t("polish.kb.drop")} coarse={t("polish.kb.tap")} />}
              </span>
              <span className="block text-slate-600">{t("polish.kb.formats")}</span>
            </>
          )}
        </span>
      </label>
      {refused && (
        <p role="alert" className="text-sm text-red-700">
          {t("polish.kb.wrongType", { name: refused })}
        </p>
      )}
    </div>
  );
}
