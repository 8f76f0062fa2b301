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
      <label className="block text-sm font-medium text-slate-700">
        {hasVideo ? t("media.addPhoto") : t("media.addPhotoOrVideo")}
        <input
          type="file"
          accept={hasVideo ? "image/*" : "image/*,video/mp4,video/quicktime,video/webm"}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload.mutate(file);
            e.target.value = "";
          }}
          className="mt-1 block w-full text-sm file:mr-3 file:rounded-lg file:border-0 file:bg-brand-50 file:px-3 file:py-2 file:font-medium file:text-brand-700"
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
