-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "rehearsal_of_id" UUID;

-- CreateTable
CREATE TABLE "rehearsal_snapshots" (
    "project_id" UUID NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reset_at" TIMESTAMPTZ(3),
    "data" JSONB NOT NULL,

    CONSTRAINT "rehearsal_snapshots_pkey" PRIMARY KEY ("project_id")
);

-- CreateIndex
CREATE INDEX "projects_rehearsal_of_id_idx" ON "projects"("rehearsal_of_id");

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_rehearsal_of_id_fkey" FOREIGN KEY ("rehearsal_of_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rehearsal_snapshots" ADD CONSTRAINT "rehearsal_snapshots_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
