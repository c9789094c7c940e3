// Prisma 7 configuration (read by the `prisma` CLI, e.g. `prisma generate`).
//
// Migrations are NOT run through the prisma CLI in this project: the native schema
// engine cannot be downloaded here, so scripts/db.ts + server/src/infra/migrate.ts drive
// Prisma's WebAssembly schema engine directly. They use the same paths as below.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
  },
  datasource: {
    // `prisma generate` never connects, so a harmless placeholder keeps it working without a DB.
    url: process.env.DATABASE_URL ?? 'postgresql://kaipan:kaipan@127.0.0.1:5432/kaipan',
  },
});
