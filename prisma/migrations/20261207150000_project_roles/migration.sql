-- CreateEnum
CREATE TYPE "ProjectRole" AS ENUM ('MANAGER', 'CASHIER', 'CONSULTANT', 'FINANCE', 'VIEWER');

-- The role moves from the user onto each membership (written by hand: keep every user working).
-- Every membership gets the user's current role; an ADMIN becomes the install-level administrator
-- (users.admin) and a MANAGER of the projects they were a member of.
ALTER TABLE "project_members" ADD COLUMN     "role" "ProjectRole",
ADD COLUMN     "team_id" UUID;

ALTER TABLE "users" ADD COLUMN     "admin" BOOLEAN NOT NULL DEFAULT false;

UPDATE "users" SET "admin" = true WHERE "role" = 'ADMIN';

UPDATE "project_members" m SET "role" =
  (CASE u."role" WHEN 'ADMIN' THEN 'MANAGER' ELSE u."role"::text END)::"ProjectRole"
FROM "users" u WHERE u."id" = m."user_id";

ALTER TABLE "project_members" ALTER COLUMN "role" SET NOT NULL;

-- AlterTable
ALTER TABLE "users" DROP COLUMN "role";

-- DropEnum
DROP TYPE "Role";

-- CreateTable
CREATE TABLE "teams" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "lead_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "teams_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "teams_project_id_name_key" ON "teams"("project_id", "name");

-- CreateIndex
CREATE INDEX "project_members_team_id_idx" ON "project_members"("team_id");

-- AddForeignKey
ALTER TABLE "project_members" ADD CONSTRAINT "project_members_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "teams" ADD CONSTRAINT "teams_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "teams" ADD CONSTRAINT "teams_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
