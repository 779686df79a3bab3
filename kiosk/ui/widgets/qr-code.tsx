import { useEffect, useState } from 'preact/hooks';
import QRCode from 'qrcode';

/** A QR code drawn as SVG in the browser, with its text below for people without a phone camera. */
export function QrCode(props: { readonly data: string; readonly label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(props.data, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then(
      (s) => live && setSvg(s),
      () => live && setSvg(null),
    );
    return () => {
      live = false;
    };
  }, [props.data]);
  return (
    <figure class="qr" data-testid="qr" data-qr={props.data}>
      {svg === null ? <div class="qr-box" /> : <div class="qr-box" dangerouslySetInnerHTML={{ __html: svg }} />}
      <figcaption>
        {props.label}
        <span class="qr-url" data-testid="qr-url">
          {props.data}
        </span>
      </figcaption>
    </figure>
  );
}
