-- CreateEnum
CREATE TYPE "UnitKind" AS ENUM ('RESIDENCE', 'SHOP', 'PARKING', 'STORAGE');

-- AlterTable
ALTER TABLE "buildings" ADD COLUMN     "named_floors" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "pattern" JSONB;

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "refuse_above_filed_price" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "units" ADD COLUMN     "filed_price" BIGINT,
ADD COLUMN     "floor_span" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "kind" "UnitKind" NOT NULL DEFAULT 'RESIDENCE',
ADD COLUMN     "layout_id" UUID,
ADD COLUMN     "stairwell" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "unit_layouts" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "gross_area" DECIMAL(9,2) NOT NULL,
    "net_area" DECIMAL(9,2) NOT NULL,
    "orientation" TEXT NOT NULL,
    "rooms" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "unit_layouts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "unit_layouts_project_id_code_key" ON "unit_layouts"("project_id", "code");

-- CreateIndex
CREATE INDEX "units_layout_id_idx" ON "units"("layout_id");

-- AddForeignKey
ALTER TABLE "unit_layouts" ADD CONSTRAINT "unit_layouts_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "units" ADD CONSTRAINT "units_layout_id_fkey" FOREIGN KEY ("layout_id") REFERENCES "unit_layouts"("id") ON DELETE SET NULL ON UPDATE CASCADE;
