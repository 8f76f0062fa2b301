import { useEffect, useState } from "react";
import QRCode from "qrcode";

import { useI18n } from "../../i18n";

/** The link as a QR code (a PNG drawn in the browser), to print or to scan from another screen. */
export function TikTokQrCode({ url, name }: { url: string; name: string }) {
  const { t } = useI18n();
  const [image, setImage] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    QRCode.toDataURL(url, { margin: 1, width: 320, errorCorrectionLevel: "M" })
      .then((data) => current && setImage(data))
      .catch(() => current && setImage(null));
    return () => {
      current = false;
    };
  }, [url]);
  if (!image) return null;
  return (
    <a href={image} download={`${name || "tiktok-link"}.png`} title={t("tiktok.qr.download")} className="shrink-0">
      <img src={image} alt={t("tiktok.qr.alt", { name })} className="h-28 w-28 rounded-lg border border-slate-200" data-testid="tiktok-qr" />
    </a>
  );
}
