/**
 * One worker thread that renders documents off the event loop, started on first use and replaced
 * if it dies (the requests in flight then fail, and BullMQ retries their jobs).
 */
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '@kaipan/shared';
import type { AgreementDocumentInput } from '../documents/agreement.js';
import type { FontOptions } from '../documents/fonts.js';
import type { DailyReportInput } from '../documents/daily-report.js';
import type { DayEndDocumentInput } from '../documents/day-end.js';
import type { DisputePackInput } from '../documents/dispute-pack.js';
import type { LotteryResultInput } from '../documents/lottery-result.js';
import type { PriceListInput } from '../documents/price-list.js';
import type { PurchasePlanDocumentInput } from '../documents/purchase-plan.js';
import type { QueueTicketInput } from '../documents/queue-ticket.js';
import type { ReceiptDocumentInput } from '../documents/receipt.js';
import type { SalesControlInput } from '../documents/sales-control.js';

/** A verifiable document (docs/documents.md): receipt, agreement, purchase plan or day-end. */
export type DocumentRenderJob =
  | { kind: 'receipt'; input: ReceiptDocumentInput }
  | { kind: 'agreement'; input: AgreementDocumentInput }
  | { kind: 'purchase-plan'; input: PurchasePlanDocumentInput }
  | { kind: 'day-end'; input: DayEndDocumentInput }
  | { kind: 'dispute-pack'; input: DisputePackInput };

/** A print-ready report (docs/reports-print.md): rendered on request, stored nowhere. */
export type ReportRenderJob =
  | { kind: 'sales-control'; input: SalesControlInput }
  | { kind: 'price-list'; input: PriceListInput }
  | { kind: 'daily-report'; input: DailyReportInput };

/** What to draw: a queue ticket, a lottery result (A4, rendered on demand for the public), a report or a document. */
export type RenderJob =
  | { kind: 'queue-ticket'; input: QueueTicketInput }
  | { kind: 'lottery-result'; input: LotteryResultInput }
  | ReportRenderJob
  | DocumentRenderJob;

export type RenderRequest = RenderJob & {
  id: number;
  /** Which CJK fonts may be used (configuration; default: a system font when installed, then the packaged one). */
  fonts?: FontOptions;
};

/** A failure with `code` is a coded refusal (e.g. UNPRINTABLE_CHARACTER), rethrown as that AppError. */
export type RenderResponse =
  | { id: number; ok: true; pdf: ArrayBuffer }
  | { id: number; ok: false; error: string; code?: ErrorCode; details?: unknown };

/** Longest a render may take before it is abandoned (the thread is replaced). */
const RENDER_TIMEOUT_MS = 30_000;

export class RenderPool {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (pdf: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private closed = false;

  constructor(private readonly fonts: FontOptions = {}) {}

  renderQueueTicket(input: QueueTicketInput): Promise<Buffer> {
    return this.render({ kind: 'queue-ticket', input });
  }

  renderLotteryResult(input: LotteryResultInput): Promise<Buffer> {
    return this.render({ kind: 'lottery-result', input });
  }

  renderReport(job: ReportRenderJob): Promise<Buffer> {
    return this.render(job);
  }

  renderDocument(job: DocumentRenderJob): Promise<Buffer> {
    return this.render(job);
  }

  private render(job: RenderJob): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('render pool closed'));
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failAll(new Error(`render timed out after ${RENDER_TIMEOUT_MS} ms`));
        void worker.terminate();
      }, RENDER_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      const request: RenderRequest = { ...job, id, fonts: this.fonts };
      worker.postMessage(request);
    });
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const worker = new Worker(new URL('./render-bootstrap.mjs', import.meta.url), {
      workerData: { entry: new URL(`./render-thread${ext}`, import.meta.url).href },
    });
    worker.on('message', (response: RenderResponse) => {
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      clearTimeout(waiter.timer);
      if (response.ok) waiter.resolve(Buffer.from(response.pdf));
      else
        waiter.reject(
          response.code ? new AppError(response.code, response.error, response.details) : new Error(response.error),
        );
    });
    const gone = (error: Error): void => {
      if (this.worker === worker) this.worker = null;
      this.failAll(error);
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`render thread exited (code ${code})`)));
    // An idle render thread must not keep the process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const [id, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
      this.pending.delete(id);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('render pool closed'));
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
