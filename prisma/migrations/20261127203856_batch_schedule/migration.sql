-- CreateEnum
CREATE TYPE "WithholdChannel" AS ENUM ('VIP', 'STAFF', 'AGENT', 'OTHER');

-- AlterTable
ALTER TABLE "batches" ADD COLUMN     "cancelled_at" TIMESTAMPTZ(3),
ADD COLUMN     "release_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "units" ADD COLUMN     "withhold_channel" "WithholdChannel";
