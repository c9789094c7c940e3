/**
 * Body of a document render thread: PDF rendering costs 0.3–0.7 s of CPU per document, which must
 * never run on the event loop that answers locks and the hub. Messages in: RenderRequest; out:
 * RenderResponse with the PDF bytes transferred (not copied).
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '@kaipan/shared';
import { renderAgreement } from '../documents/agreement.js';
import { renderDailyReport } from '../documents/daily-report.js';
import { renderDayEnd } from '../documents/day-end.js';
import { renderDisputePack } from '../documents/dispute-pack.js';
import { renderWithFonts, resolveCjkFonts, type CjkFont } from '../documents/fonts.js';
import { renderLotteryResult } from '../documents/lottery-result.js';
import { renderPriceList } from '../documents/price-list.js';
import { renderPurchasePlan } from '../documents/purchase-plan.js';
import { renderQueueTicket } from '../documents/queue-ticket.js';
import { renderReceipt } from '../documents/receipt.js';
import { renderSalesControl } from '../documents/sales-control.js';
import type { RenderJob, RenderRequest, RenderResponse } from './render-pool.js';

function draw(job: RenderJob, fonts: CjkFont): Promise<Buffer> {
  switch (job.kind) {
    case 'queue-ticket':
      return renderQueueTicket(job.input, fonts);
    case 'lottery-result':
      return renderLotteryResult(job.input, fonts);
    case 'receipt':
      return renderReceipt(job.input, fonts);
    case 'agreement':
      return renderAgreement(job.input, fonts);
    case 'purchase-plan':
      return renderPurchasePlan(job.input, fonts);
    case 'day-end':
      return renderDayEnd(job.input, fonts);
    case 'dispute-pack':
      return renderDisputePack(job.input, fonts);
    case 'sales-control':
      return renderSalesControl(job.input, fonts);
    case 'price-list':
      return renderPriceList(job.input, fonts);
    case 'daily-report':
      return renderDailyReport(job.input, fonts);
  }
}

const port = parentPort;
if (!port) throw new Error('render-thread must run in a worker thread');

port.on('message', (request: RenderRequest) => {
  void (async () => {
    let response: RenderResponse;
    let transfer: ArrayBuffer[] = [];
    try {
      // The first font of the chain that has every character of the document; none: a coded refusal.
      const pdf = await renderWithFonts(
        resolveCjkFonts(request.fonts),
        (font) => draw(request, font),
        (characters, message) => new AppError('UNPRINTABLE_CHARACTER', message, { characters }),
      );
      const bytes = pdf.buffer.slice(pdf.byteOffset, pdf.byteOffset + pdf.byteLength) as ArrayBuffer;
      response = { id: request.id, ok: true, pdf: bytes };
      transfer = [bytes];
    } catch (error) {
      response =
        error instanceof AppError
          ? { id: request.id, ok: false, error: error.message, code: error.code, details: error.details }
          : { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(response, transfer);
  })();
});
