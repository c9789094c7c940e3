import type { FastifyReply } from 'fastify';

/** A file answer: its name, content type and bytes. */
export interface SentFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987), never cached. */
export function sendFile(reply: FastifyReply, file: SentFile): FastifyReply {
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .header('content-type', file.contentType)
    .header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    )
    .header('cache-control', 'no-store')
    .send(file.body);
}
