import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, DEVICE_KEY_HEADER } from '@kaipan/shared';
import { createTransport } from './transport';

/** A fetch that records what it was asked and answers `reply`. */
function stubFetch(
  reply: (url: string, init: RequestInit) => Response | Promise<Response>,
): Array<{ url: string; init: RequestInit }> {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return reply(url, init);
  });
  return calls;
}

const jsonResponse = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createTransport', () => {
  it('sends the token, a JSON body and the app credentials, and reads the JSON answer', async () => {
    const calls = stubFetch(() => jsonResponse(200, { ok: 1 }));
    const transport = createTransport({ credentials: 'same-origin', auth: () => ({ token: 't1' }) });
    await expect(transport.json('POST', '/api/x', { json: { a: 1 } })).resolves.toEqual({ ok: 1 });
    const { url, init } = calls[0]!;
    const headers = init.headers as Record<string, string>;
    expect(url).toBe('/api/x');
    expect(headers.Authorization).toBe('Bearer t1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(init.body).toBe('{"a":1}');
    expect(init.credentials).toBe('same-origin');
  });

  it('sends a device key instead of a token, and no cached answer when asked', async () => {
    const calls = stubFetch(() => jsonResponse(200, []));
    const transport = createTransport({ credentials: 'omit', noStore: true });
    await transport.json('GET', '/api/projects', { auth: { deviceKey: 'k1' } });
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers[DEVICE_KEY_HEADER]).toBe('k1');
    expect(headers.Authorization).toBeUndefined();
    expect(calls[0]!.init.cache).toBe('no-store');
  });

  it('turns a coded error body into an ApiError with its code, status and details', async () => {
    stubFetch(() => jsonResponse(409, { error: { code: 'LOCK_HELD', message: 'held', details: { by: 'c002' } } }));
    const transport = createTransport({ credentials: 'omit' });
    const error = await transport.json('POST', '/api/units/u/lock').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'LOCK_HELD', status: 409, message: 'held', details: { by: 'c002' } });
  });

  it('maps a body without a code by its status (a proxy answering 502)', async () => {
    stubFetch(() => new Response('<html>bad gateway</html>', { status: 502 }));
    const transport = createTransport({ credentials: 'omit' });
    await expect(transport.json('GET', '/api/x')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 502 });
  });

  it('signs out when a token is refused, but not for a request sent without one', async () => {
    stubFetch(() => jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'no' } }));
    const onSessionRejected = vi.fn();
    const transport = createTransport({ credentials: 'omit', auth: () => ({ token: 't1' }), onSessionRejected });
    await expect(transport.json('GET', '/api/x')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(onSessionRejected).toHaveBeenCalledTimes(1);
    await expect(transport.json('POST', '/api/auth/login', { auth: null, json: {} })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(onSessionRejected).toHaveBeenCalledTimes(1);
  });

  it('answers OFFLINE without sending while the browser is offline', async () => {
    const calls = stubFetch(() => jsonResponse(200, {}));
    vi.stubGlobal('navigator', { onLine: false });
    const transport = createTransport({ credentials: 'omit' });
    await expect(transport.json('GET', '/api/x')).rejects.toMatchObject({ code: 'OFFLINE', status: 0 });
    expect(calls).toHaveLength(0);
  });

  it('answers TIMEOUT when the server does not answer in time, NETWORK_ERROR when it cannot be reached', async () => {
    stubFetch(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const transport = createTransport({ credentials: 'omit' });
    await expect(transport.json('GET', '/api/slow', { timeoutMs: 20 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(transport.json('GET', '/api/x')).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });

  it('treats an empty or unreadable 2xx answer as INTERNAL', async () => {
    stubFetch(() => new Response('', { status: 200 }));
    const transport = createTransport({ credentials: 'omit' });
    await expect(transport.json('GET', '/api/x')).rejects.toMatchObject({ code: 'INTERNAL', status: 200 });
  });
});
