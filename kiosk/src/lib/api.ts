/**
 * All HTTP I/O of the kiosk, typed from @kaipan/shared. The kiosk authenticates with its device key
 * (`X-Device-Key`); every failure is thrown as an ApiError with a registered ErrorCode or a
 * client-side code for network trouble, never a bare string.
 */
import {
  API,
  ApiError,
  callApi,
  type ApiRoute,
  type CallArgs,
  type KioskSetupBody,
  type SendRequest,
} from '@kaipan/shared';
import { createTransport } from '@kaipan/web/http/transport';

export { ApiError, toApiError, type ClientErrorCode } from '@kaipan/shared';

/** Devices send no cookies and never read a cached answer. */
const transport = createTransport({ credentials: 'omit', noStore: true });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How long to keep asking for a ticket PDF that is still being rendered. */
const PDF_WAIT_MS = 20_000;

/** The kiosk's API (its device key): every call typed from the route table (shared/src/api). */
export function createKioskApi(deviceKey: string) {
  const send: SendRequest = (method, path, body) =>
    transport.json<unknown>(method, path, { auth: { deviceKey }, json: body });
  const call = <R extends ApiRoute>(route: R, ...args: CallArgs<R>) => callApi(send, route, ...args);
  return {
    /** The device's project (a device sees exactly one). */
    projects: () => call(API.projects.list),
    /** The setup PIN for one setup action (the server verifies, throttles and audits it). */
    kioskSetup: (body: KioskSetupBody) => call(API.queue.kioskSetup, { body }),
    categories: (projectId: string) => call(API.queue.categories, { params: { projectId } }),
    queueState: (projectId: string) => call(API.queue.state, { params: { projectId } }),
    /**
     * Take a number. `idempotencyKey` is fixed per attempt, so a double tap or a retry after a
     * timeout returns the same ticket. The server answers 201 new / 200 existing (`created`).
     */
    takeTicket: (
      projectId: string,
      body: { category: string; idempotencyKey: string } & ({ phone: string } | { registrationNo: string }),
    ) => call(API.queue.takeTicket, { params: { projectId }, body }),
    /**
     * The printable ticket (80 mm PDF). Answers 202 + Retry-After while the worker renders it: wait
     * and ask again, for at most PDF_WAIT_MS. The token in `pdfPath` is the credential.
     */
    ticketPdf: async (pdfPath: string, signal?: AbortSignal): Promise<Blob> => {
      const deadline = Date.now() + PDF_WAIT_MS;
      for (;;) {
        if (signal?.aborted) throw new ApiError('TIMEOUT', 'Cancelled.');
        const response = await transport.send('GET', pdfPath, {
          auth: null,
          accept: 'application/pdf',
          ...(signal ? { signal } : {}),
        });
        if (response.status === 200) return response.blob();
        if (response.status !== 202)
          throw new ApiError('INTERNAL', `Unexpected response from GET ${pdfPath}`, response.status);
        const retryAfter = Number(response.headers.get('retry-after') ?? '1');
        const waitMs = Math.min(5_000, Math.max(250, (Number.isFinite(retryAfter) ? retryAfter : 1) * 1000));
        if (Date.now() + waitMs > deadline) throw new ApiError('TIMEOUT', 'The ticket was not rendered in time.');
        await sleep(waitMs);
      }
    },
  };
}

export type KioskApi = ReturnType<typeof createKioskApi>;
