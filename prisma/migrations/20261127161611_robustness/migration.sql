-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "sales_version" INTEGER NOT NULL DEFAULT 1;

-- CreateIndex
CREATE INDEX "units_project_id_updated_at_idx" ON "units"("project_id", "updated_at");

-- Hand-written: the last line of defence covers every live subscription, not only ACTIVE ones, so
-- no bug elsewhere (e.g. in signing or cancelling) can ever leave room for a second sale.
DROP INDEX "subscriptions_one_active_per_unit";
CREATE UNIQUE INDEX "subscriptions_one_live_per_unit" ON "subscriptions"("unit_id") WHERE "status" IN ('ACTIVE', 'CONTRACTED');
