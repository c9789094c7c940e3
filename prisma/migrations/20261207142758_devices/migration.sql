ALTER TYPE "DeviceKind" ADD VALUE 'CALLING';
ALTER TYPE "DeviceKind" ADD VALUE 'CASHIER_DESK';

-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3),
ADD COLUMN     "revoked_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "devices_project_id_idx" ON "devices"("project_id");
