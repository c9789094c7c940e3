-- Whether a registration holds its sincerity deposit 诚意金 is derived from its payments (issue 12):
-- the flag a client could set is gone.

-- AlterTable
ALTER TABLE "registrations" DROP COLUMN "deposit_paid";
