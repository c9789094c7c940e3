/**
 * All HTTP I/O of the kiosk, typed from @kaipan/shared. The kiosk authenticates with its device key
 * (`X-Device-Key`); every failure is thrown as an ApiError with a registered ErrorCode or a
 * client-side code for network trouble, never a bare string.
 */
import {
  API,
  ApiError,
  DEVICE_KEY_HEADER,
  apiErrorFrom,
  callApi,
  toApiError,
  type ApiRoute,
  type CallArgs,
  type HttpMethod,
  type KioskSetupBody,
  type SendRequest,
} from '@kaipan/shared';

export { ApiError, toApiError, type ClientErrorCode } from '@kaipan/shared';

const REQUEST_TIMEOUT_MS = 15_000;

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return apiErrorFrom(response.status, body);
}

async function send(deviceKey: string, method: HttpMethod, path: string, body?: unknown): Promise<Response> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) throw new ApiError('OFFLINE', 'The device is offline.');
  const headers: Record<string, string> = { Accept: 'application/json', [DEVICE_KEY_HEADER]: deviceKey };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw toApiError(error);
  }
}

async function json<T>(deviceKey: string, method: HttpMethod, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const response = await send(deviceKey, method, path, body);
  if (!response.ok) throw await errorFrom(response);
  try {
    return { status: response.status, data: (await response.json()) as T };
  } catch {
    throw new ApiError('INTERNAL', `Unexpected response from ${method} ${path}`, response.status);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How long to keep asking for a ticket PDF that is still being rendered. */
const PDF_WAIT_MS = 20_000;

/** The API as seen by one kiosk device. */
/** The kiosk's API (its device key): every call typed from the route table (shared/src/api). */
export function createKioskApi(deviceKey: string) {
  const transport: SendRequest = async (method, path, body) => (await json<unknown>(deviceKey, method, path, body)).data;
  const call = <R extends ApiRoute>(route: R, ...args: CallArgs<R>) => callApi(transport, route, ...args);
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
    takeTicket: (projectId: string, body: { category: string; idempotencyKey: string } & ({ phone: string } | { registrationNo: string })) =>
      call(API.queue.takeTicket, { params: { projectId }, body }),
    /**
     * The printable ticket (80 mm PDF). Answers 202 + Retry-After while the worker renders it: wait
     * and ask again, for at most PDF_WAIT_MS. The token in `pdfPath` is the credential.
     */
    ticketPdf: async (pdfPath: string, signal?: AbortSignal): Promise<Blob> => {
      const deadline = Date.now() + PDF_WAIT_MS;
      for (;;) {
        if (signal?.aborted) throw new ApiError('TIMEOUT', 'Cancelled.');
        let response: Response;
        try {
          response = await fetch(pdfPath, { credentials: 'omit', cache: 'no-store', signal: signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        } catch (error) {
          throw toApiError(error);
        }
        if (response.status === 200) return response.blob();
        if (response.status !== 202) throw await errorFrom(response);
        const retryAfter = Number(response.headers.get('retry-after') ?? '1');
        const waitMs = Math.min(5_000, Math.max(250, (Number.isFinite(retryAfter) ? retryAfter : 1) * 1000));
        if (Date.now() + waitMs > deadline) throw new ApiError('TIMEOUT', 'The ticket was not rendered in time.');
        await sleep(waitMs);
      }
    },
  };
}

export type KioskApi = ReturnType<typeof createKioskApi>;
