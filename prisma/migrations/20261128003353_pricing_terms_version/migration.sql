-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "terms_version" INTEGER NOT NULL DEFAULT 1;
