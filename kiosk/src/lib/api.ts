/**
 * All HTTP I/O of the kiosk, typed from @kaipan/shared. The kiosk authenticates with its device key
 * (`X-Device-Key`); every failure is thrown as an ApiError with a registered ErrorCode or a
 * client-side code for network trouble, never a bare string.
 */
import {
  ApiError,
  type KioskSetupBody,
  type KioskSetupResult,
  type ProjectSummary,
  type QueueCategoryInfo,
  type QueueState,
  type TakeTicketResult,
} from '@kaipan/shared';
import { createTransport, type HttpMethod } from '@kaipan/web/http/transport';

export { ApiError, toApiError, type ClientErrorCode } from '@kaipan/shared';

/** Devices send no cookies and never read a cached answer. */
const transport = createTransport({ credentials: 'omit', noStore: true });

function json<T>(deviceKey: string, method: HttpMethod, path: string, body?: unknown): Promise<T> {
  return transport.json<T>(method, path, { auth: { deviceKey }, json: body });
}

const enc = encodeURIComponent;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How long to keep asking for a ticket PDF that is still being rendered. */
const PDF_WAIT_MS = 20_000;

/** The API as seen by one kiosk device. */
export function createKioskApi(deviceKey: string) {
  return {
    /** The device's project (a device sees exactly one). */
    projects: () => json<ProjectSummary[]>(deviceKey, 'GET', '/api/projects'),
    /** The setup PIN for one setup action (the server verifies, throttles and audits it). */
    kioskSetup: (body: KioskSetupBody) => json<KioskSetupResult>(deviceKey, 'POST', '/api/kiosk/setup', body),
    categories: (projectId: string) =>
      json<QueueCategoryInfo[]>(deviceKey, 'GET', `/api/projects/${enc(projectId)}/queue/categories`),
    queueState: (projectId: string) => json<QueueState>(deviceKey, 'GET', `/api/projects/${enc(projectId)}/queue`),
    /**
     * Take a number. `idempotencyKey` is fixed per attempt, so a double tap or a retry after a
     * timeout returns the same ticket. The server answers 201 new / 200 existing (`created`).
     */
    takeTicket: async (
      projectId: string,
      body: { category: string; idempotencyKey: string } & ({ phone: string } | { registrationNo: string }),
    ) => json<TakeTicketResult>(deviceKey, 'POST', `/api/projects/${enc(projectId)}/queue/tickets`, body),
    /**
     * The printable ticket (80 mm PDF). Answers 202 + Retry-After while the worker renders it: wait
     * and ask again, for at most PDF_WAIT_MS. The token in `pdfPath` is the credential.
     */
    ticketPdf: async (pdfPath: string, signal?: AbortSignal): Promise<Blob> => {
      const deadline = Date.now() + PDF_WAIT_MS;
      for (;;) {
        if (signal?.aborted) throw new ApiError('TIMEOUT', 'Cancelled.');
        // The token in the path is the credential: no device key sent.
        const response = await transport.send('GET', pdfPath, { auth: null, accept: 'application/pdf', ...(signal ? { signal } : {}) });
        if (response.status === 200) return response.blob();
        if (response.status !== 202) throw new ApiError('INTERNAL', `Unexpected response from GET ${pdfPath}`, response.status);
        const retryAfter = Number(response.headers.get('retry-after') ?? '1');
        const waitMs = Math.min(5_000, Math.max(250, (Number.isFinite(retryAfter) ? retryAfter : 1) * 1000));
        if (Date.now() + waitMs > deadline) throw new ApiError('TIMEOUT', 'The ticket was not rendered in time.');
        await sleep(waitMs);
      }
    },
  };
}

export type KioskApi = ReturnType<typeof createKioskApi>;
