// Only `prisma dev` (Prisma's local development server) loads @prisma/streams-local. Kaipan never
// runs it: it starts its own embedded PostgreSQL. The real package requires Node >= 22, so
// package.json `overrides` replaces it with this stand-in (README.md, Node versions).
throw new Error(
  '`prisma dev` is not available in Kaipan: @prisma/streams-local is replaced by a stand-in (see README.md, Node versions).',
);
