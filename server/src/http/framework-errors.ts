/**
 * Refusals the framework makes around the routes, in the one error shape: HTTP status from the
 * registry and `{error:{code, message}}` with a registry code (docs/protocol.md "Errors"). Covers
 * fastify's own errors (bad JSON, body too large, unsupported media type…), URLs the router cannot
 * decode, path segments over the length limit, requests Node's HTTP parser refuses (bad request
 * line, headers too large, timeout) and requests that arrive while the server shuts down.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { AppError, ERROR_HTTP_STATUS, statusToCode } from '@kaipan/shared';
import { toErrorBody, type DependencyFailureSink } from '../services/errors.js';

/** Longest route parameter (fastify's maxParamLength): ids are UUIDs (36), tokens shorter. */
export const MAX_PARAM_LENGTH = 100;

/**
 * A fastify error as a coded error: its 4xx status read through the client's status→code table
 * (413 → PAYLOAD_TOO_LARGE, 404 → NOT_FOUND, other 4xx → VALIDATION_FAILED…), 503 →
 * SERVICE_UNAVAILABLE; null for anything else (unexpected: INTERNAL, logged).
 */
export function fastifyErrorToAppError(error: FastifyError): AppError | null {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('PAYLOAD_TOO_LARGE');
  if (error.code === 'FST_ERR_BAD_URL')
    return new AppError('VALIDATION_FAILED', 'The URL is not valid: a part of its path is not percent-encoded UTF-8.');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new AppError('VALIDATION_FAILED', `A part of the URL path is longer than ${MAX_PARAM_LENGTH} characters.`);
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = statusToCode(status);
    // The framework's message says what was wrong with the request (never internals) — but only
    // where the code is the generic one; otherwise the registry's message.
    return code === 'VALIDATION_FAILED' ? new AppError(code, error.message.slice(0, 200)) : new AppError(code);
  }
  if (status === 503) return new AppError('SERVICE_UNAVAILABLE');
  return null;
}

/** The one HTTP answer for any thrown error (AppError, fastify's errors, the unexpected). */
export function sendError(
  error: unknown,
  reply: FastifyReply,
  log: FastifyInstance['log'],
  health?: DependencyFailureSink,
): FastifyReply {
  const mapped = error instanceof AppError ? error : fastifyErrorToAppError(error as FastifyError);
  const { status, body } = toErrorBody(mapped ?? error, log, health);
  return reply.code(status).send({ error: body });
}

/** A refusal of Node's HTTP parser, before fastify sees a request. */
function clientErrorToAppError(code: string): AppError {
  if (code === 'HPE_HEADER_OVERFLOW' || code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') {
    return new AppError('PAYLOAD_TOO_LARGE', 'The URL or the headers are too large.');
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new AppError('VALIDATION_FAILED', 'The request did not arrive completely in time.');
  return new AppError('VALIDATION_FAILED', 'The request is not valid HTTP.');
}

/**
 * fastify's `clientErrorHandler` (Node's `clientError`): a raw socket, no request object. When the
 * socket can still be written, one minimal HTTP/1.1 response in the one shape, then the
 * connection closes (the parser cannot resynchronise with what follows).
 */
function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal = clientErrorToAppError(error.code ?? '');
  this.log.debug({ err: error }, 'client error');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = ERROR_HTTP_STATUS[refusal.code];
  const json = JSON.stringify({ error: refusal.toBody() });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}

/** Router refusals (undecodable URL, over-long parameter): the request never reached a route. */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void sendError(error, reply, request.log);
}

/** Options for `Fastify({...})`: the framework's refusals in the one shape. */
export const frameworkErrorOptions = {
  frameworkErrors,
  clientErrorHandler,
  routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  // fastify's own 503 while closing has another shape; installFrameworkErrors answers it instead.
  return503OnClosing: false,
} satisfies Partial<FastifyServerOptions>;

/**
 * The error handler of every route (and the hooks before it), and SERVICE_UNAVAILABLE for requests
 * that arrive once the server has begun to shut down. Call before any route.
 */
export function installFrameworkErrors(app: FastifyInstance, health?: DependencyFailureSink): void {
  // A dependency's connection error also tells the health monitor at once (locks stop, screens say so).
  app.setErrorHandler((error, _request, reply) => sendError(error, reply, app.log, health));
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    void reply.header('connection', 'close');
    throw new AppError('SERVICE_UNAVAILABLE', 'The server is shutting down; retry in a moment.');
  });
}
