/**
 * Print a ticket PDF without a dialog: load it into a hidden iframe and call print() there. With
 * Chromium started with --kiosk-printing the print goes straight to the default printer (README
 * "Queue kiosk and calling screen"); otherwise the browser shows its print dialog.
 */
let frame: HTMLIFrameElement | null = null;
let objectUrl: string | null = null;

/** Resolves once print() was called on the loaded PDF; rejects when the PDF could not be loaded. */
export function printPdf(pdf: Blob): Promise<void> {
  return new Promise((resolve, reject) => {
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    frame?.remove();
    objectUrl = URL.createObjectURL(
      pdf.type === 'application/pdf' ? pdf : new Blob([pdf], { type: 'application/pdf' }),
    );
    const iframe = document.createElement('iframe');
    iframe.className = 'k-print-frame';
    iframe.setAttribute('aria-hidden', 'true');
    iframe.tabIndex = -1;
    // Off-screen but laid out: a display:none frame does not load its PDF viewer in every browser.
    Object.assign(iframe.style, {
      position: 'fixed',
      right: '0',
      bottom: '0',
      width: '1px',
      height: '1px',
      border: '0',
      opacity: '0',
    });
    const timer = setTimeout(() => reject(new Error('The ticket did not load for printing.')), 15_000);
    iframe.onload = () => {
      clearTimeout(timer);
      // Give the PDF viewer a moment to lay the page out before printing it.
      setTimeout(() => {
        try {
          iframe.contentWindow?.focus();
          iframe.contentWindow?.print();
          resolve();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }, 300);
    };
    iframe.src = objectUrl;
    document.body.appendChild(iframe);
    frame = iframe;
  });
}
