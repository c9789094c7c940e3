/**
 * A document on the desk: generation progress (BullMQ job polled), the PDF preview, Print and
 * Download. Receipts count their prints (POST /api/receipts/:id/prints): every print after the first
 * is a reprint, so the PDF is asked for again then (the server stamps copies COPY / 重打).
 */
import { Match, Show, Switch, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import type { DocumentInfo, DocumentKind, DocumentVariant, ReceiptInfo } from '@kaipan/shared';
import { fetchDocument } from '../lib/cashier-api';
import { ct, describe, documentStateText } from '../lib/cashier-i18n';
import { printPdf } from '../lib/print';
import { useDesk } from '../lib/desk-context';
import { Failure, Progress, Spinner } from './cashier-ui';

export interface DocumentRequest {
  kind: DocumentKind;
  entityId: string;
  variant?: DocumentVariant;
}

type View =
  | { state: 'working'; progress: number; job: 'waiting' | 'active' | 'completed' | 'failed' | 'requested' }
  | { state: 'ready'; document: DocumentInfo; url: string; pdf: Blob }
  | { state: 'error'; message: string };

export function DocumentPreview(props: {
  request: DocumentRequest;
  /** A receipt: prints are counted and reprints stamped. */
  receiptId?: string;
  onPrinted?: (receipt: ReceiptInfo | null) => void;
  /** Fill the height the layout gives (the payment's done view) instead of a fixed one. */
  fill?: boolean;
}): JSX.Element {
  const desk = useDesk();
  const [view, setView] = createSignal<View>({ state: 'working', progress: 0, job: 'requested' });
  const [printing, setPrinting] = createSignal(false);
  const [printError, setPrintError] = createSignal<string | null>(null);
  const [printed, setPrinted] = createSignal<ReceiptInfo | null>(null);
  let controller = new AbortController();
  let url: string | null = null;

  const release = (): void => {
    if (url) URL.revokeObjectURL(url);
    url = null;
  };

  const load = async (): Promise<void> => {
    controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    setView({ state: 'working', progress: 0, job: 'requested' });
    try {
      const { document, pdf } = await fetchDocument(
        desk.api,
        props.request,
        (progress, job) => !signal.aborted && setView({ state: 'working', progress, job }),
        signal,
      );
      if (signal.aborted) return;
      release();
      url = URL.createObjectURL(pdf.type === 'application/pdf' ? pdf : new Blob([pdf], { type: 'application/pdf' }));
      setView({ state: 'ready', document, url, pdf });
    } catch (err) {
      if (!signal.aborted) setView({ state: 'error', message: describe(err) });
    }
  };

  onMount(() => void load());
  onCleanup(() => {
    controller.abort();
    release();
  });

  const print = async (): Promise<void> => {
    const v = view();
    if (v.state !== 'ready' || printing()) return;
    setPrinting(true);
    setPrintError(null);
    try {
      let pdf = v.pdf;
      if (props.receiptId) {
        const receipt = await desk.api.recordPrint(props.receiptId);
        setPrinted(receipt);
        props.onPrinted?.(receipt);
        if (receipt.printCount > 1) {
          // A reprint: the current PDF says COPY / 重打 (rendered again when needed).
          await load();
          const again = view();
          if (again.state === 'ready') pdf = again.pdf;
        }
      } else {
        props.onPrinted?.(null);
      }
      await printPdf(pdf);
    } catch (err) {
      setPrintError(describe(err));
    } finally {
      setPrinting(false);
    }
  };

  return (
    <div class="c-doc" classList={{ 'c-doc--fill': props.fill }} data-testid="document">
      <Switch>
        <Match when={view().state === 'working' && view()} keyed>
          {(v) => (
            <div class="c-doc__working" data-testid="document-progress">
              <Spinner />
              <div class="c-doc__progress">
                <span>{documentStateText(v.state === 'working' ? v.job : 'requested')}</span>
                <Progress value={v.state === 'working' ? v.progress : 0} label={ct('doc.progress')} />
              </div>
            </div>
          )}
        </Match>
        <Match when={view().state === 'error' && view()} keyed>
          {(v) => (
            <Failure
              title={ct('doc.failed')}
              message={v.state === 'error' ? v.message : undefined}
              onRetry={() => void load()}
            />
          )}
        </Match>
        <Match when={view().state === 'ready' && view()} keyed>
          {(v) =>
            v.state === 'ready' ? (
              <div class="c-doc__ready">
                <div class="c-doc__bar">
                  <div class="c-doc__meta">
                    <strong>{v.document.title}</strong>
                    <span class="c-muted">
                      {ct('doc.meta', { pages: v.document.pages, version: v.document.version })} · SHA-256{' '}
                      {v.document.sha256.slice(0, 12)}…
                    </span>
                  </div>
                  <div class="c-doc__actions">
                    <a class="c-btn c-btn--secondary c-btn--sm" href={v.url} download={`${v.document.title}.pdf`}>
                      {ct('doc.download')}
                    </a>
                    <button
                      type="button"
                      class="c-btn c-btn--go"
                      onClick={() => void print()}
                      disabled={printing()}
                      data-testid="print-document"
                    >
                      <Show when={printing()}>
                        <Spinner light />
                      </Show>
                      {(printed()?.printCount ?? 0) > 0 ? ct('doc.printAgain') : ct('doc.print')}
                    </button>
                  </div>
                </div>
                <Show when={printError()}>
                  <p class="c-alert c-alert--error" role="alert">
                    {ct('doc.printFailed')} {printError()}
                  </p>
                </Show>
                <Show when={printed()}>
                  {(r) => (
                    <p class="c-alert c-alert--ok" role="status">
                      {r().printCount > 1 ? ct('doc.printedCopy', { n: r().printCount }) : ct('doc.printed')}
                    </p>
                  )}
                </Show>
                <iframe
                  class="c-doc__frame"
                  src={`${v.url}#toolbar=0&navpanes=0&view=${props.request.kind === 'RECEIPT' ? 'Fit' : 'FitH'}`}
                  title={v.document.title}
                  data-testid="document-preview"
                />
                <p class="c-doc__verify c-muted">
                  {ct('doc.verify')} <span class="c-mono">{v.document.verifyUrl}</span>
                </p>
              </div>
            ) : (
              <span />
            )
          }
        </Match>
      </Switch>
    </div>
  );
}
