/**
 * Send a shared read model (catalog, snapshot) serialised once per object, with an ETag.
 * The services hand out the same object while it is current (a catalog until it changes, a snapshot
 * while nothing changed), so hundreds of phones joining at 9:00 cost one JSON.stringify, and a
 * browser revalidating an unchanged catalog (megabytes for a large project) gets a 304.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const serialised = new WeakMap<object, { body: string; etag: string }>();

export function sendSharedJson(request: FastifyRequest, reply: FastifyReply, value: object): FastifyReply {
  let entry = serialised.get(value);
  if (!entry) {
    const body = JSON.stringify(value);
    entry = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    serialised.set(value, entry);
  }
  // Private (it needs credentials) and always revalidated: stale unit facts must never be shown.
  void reply.header('etag', entry.etag).header('cache-control', 'private, no-cache');
  if (request.headers['if-none-match'] === entry.etag) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(entry.body);
}
