import { useState } from "react";

import { useI18n } from "../../i18n";
import { useDeleteMedia, useMedia, useUploadMedia, type MediaFolder } from "../../queries/media";
import { Card, ErrorAlert, Spinner } from "../ui";

export function MediaPanel({ defaultFolder }: { defaultFolder: MediaFolder }) {
  const { t } = useI18n();
  const [folder, setFolder] = useState<MediaFolder>(defaultFolder);
  const media = useMedia(folder);
  const upload = useUploadMedia(folder);
  const remove = useDeleteMedia(folder);
  const items = media.data?.items ?? [];
  const hasVideo = items.some((m) => m.resource_type === "video");

  return (
    <Card className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold">{t("media.title")}</h2>
          <p className="text-sm text-slate-600">{t("media.rule")}</p>
        </div>
        <div className="flex rounded-lg border border-slate-300 p-0.5 text-sm" role="group" aria-label={t("media.folder")}>
          {(["product", "service"] as const).map((f) => (
            <button key={f} type="button" aria-pressed={folder === f} onClick={() => setFolder(f)}
              className={`rounded-md px-3 py-1 ${folder === f ? "bg-brand-600 text-white" : "text-slate-700"}`}>
              {f === "product" ? t("media.products") : t("media.services")}
            </button>
          ))}
        </div>
      </div>
      {/* The native file input names its button in the browser's language, not the page's: it is hidden and this
          label, which it is inside of, is the button. */}
      <label className="inline-flex cursor-pointer items-center gap-2 rounded-lg border border-slate-300 bg-white px-4 py-2.5 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50 focus-within:ring-2 focus-within:ring-brand-500">
        <svg viewBox="0 0 24 24" aria-hidden="true" className="h-5 w-5 text-brand-600" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
          <path d="M12 16V4m0 0L7.5 8.5M12 4l4.5 4.5M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" />
        </svg>
        {hasVideo ? t("media.addPhoto") : t("media.addPhotoOrVideo")}
        <input
          type="file"
          accept={hasVideo ? "image/*" : "image/*,video/mp4,video/quicktime,video/webm"}
          disabled={upload.isPending}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload.mutate(file);
            e.target.value = "";
          }}
          className="sr-only"
        />
      </label>
      {upload.isPending && <Spinner label={t("media.uploading")} />}
      <ErrorAlert error={upload.error ?? remove.error ?? media.error} />
      {media.data && items.length === 0 && <p className="text-sm text-slate-500">{t("media.empty")}</p>}
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="media-grid">
        {items.map((m) => (
          <li key={m.public_id} className="space-y-1">
            {m.resource_type === "video" ? (
              <video src={m.url} controls className="aspect-square w-full rounded-lg bg-slate-900 object-cover" />
            ) : (
              <img src={m.url} alt="" className="aspect-square w-full rounded-lg bg-slate-100 object-cover" />
            )}
            <div className="flex items-center justify-between text-xs text-slate-500">
              <span>{m.resource_type === "video" ? t("media.welcomeVideo") : m.format.toUpperCase()}</span>
              <button type="button" className="text-red-700 hover:underline" onClick={() => remove.mutate(m.public_id)}>
                {t("kb.delete")}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}
