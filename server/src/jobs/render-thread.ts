/**
 * Body of a document render thread: PDF rendering costs 0.3–0.7 s of CPU per document, which must
 * never run on the event loop that answers locks and the hub. Messages in: RenderRequest; out:
 * RenderResponse with the PDF bytes transferred (not copied).
 */
import { parentPort } from 'node:worker_threads';
import { resolveCjkFont } from '../documents/fonts.js';
import { renderLotteryResult } from '../documents/lottery-result.js';
import { renderQueueTicket } from '../documents/queue-ticket.js';
import type { RenderRequest, RenderResponse } from './render-pool.js';

const port = parentPort;
if (!port) throw new Error('render-thread must run in a worker thread');

port.on('message', (request: RenderRequest) => {
  void (async () => {
    let response: RenderResponse;
    let transfer: ArrayBuffer[] = [];
    try {
      const fonts = resolveCjkFont(request.fontPath);
      const pdf =
        request.kind === 'lottery-result' ? await renderLotteryResult(request.input, fonts) : await renderQueueTicket(request.input, fonts);
      const bytes = pdf.buffer.slice(pdf.byteOffset, pdf.byteOffset + pdf.byteLength) as ArrayBuffer;
      response = { id: request.id, ok: true, pdf: bytes };
      transfer = [bytes];
    } catch (error) {
      response = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(response, transfer);
  })();
});
