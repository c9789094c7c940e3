-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "address" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "archived_at" TIMESTAMPTZ(3),
ADD COLUMN     "payee_account" TEXT,
ADD COLUMN     "payee_bank" TEXT,
ADD COLUMN     "payee_credit_code" TEXT,
ADD COLUMN     "payee_name" TEXT;

-- CreateTable
CREATE TABLE "presale_permits" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "issued_on" DATE NOT NULL,
    "building_ids" UUID[],
    "unit_ids" UUID[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "presale_permits_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "presale_permits_project_id_number_key" ON "presale_permits"("project_id", "number");

-- AddForeignKey
ALTER TABLE "presale_permits" ADD CONSTRAINT "presale_permits_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
