/**
 * The cashier 收银台 (issue 6), server side: one entry point (`services.cashier`) for the kiosk's API,
 * made of one service per job (./README.md maps docs/cashier.md to the files):
 * - books: receipt books 收据本 (receipt-book-service.ts)
 * - deals: finding a deal at the counter, the cashier's view of a subscription or registration (deals.ts)
 * - payments: record 收款, 诚意金转定金, 退款 with idempotency keys (payment-service.ts)
 * - receipts: voids 作废 with four-eyes approval, print counting (receipt-service.ts)
 * - dayEnd: 日结 totals, close, CSV (day-end-service.ts)
 * - deposits: the optional deposit rule 定金时限 (BullMQ `deposits` queue) (deposit-rule.ts)
 * - settings: the project's money settings (settings.ts)
 */
import type { Db } from '../infra/db.js';
import type { DocumentRefresher } from '../documents/index.js';
import type { DepositJobs } from '../jobs/deposits.js';
import type { MirrorKeeper } from '../selling/mirror-keeper.js';
import type { DealEvents } from '../services/deal-events.js';
import type { Logger } from '../services/logger.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import { DayEndService } from './day-end-service.js';
import { CashierDeals } from './deals.js';
import { DepositRule } from './deposit-rule.js';
import { PaymentService } from './payment-service.js';
import { ReceiptBookService } from './receipt-book-service.js';
import { ReceiptService } from './receipt-service.js';
import { CashierSettingsService } from './settings.js';

export class CashierService {
  readonly books: ReceiptBookService;
  readonly deals: CashierDeals;
  readonly payments: PaymentService;
  readonly receipts: ReceiptService;
  readonly dayEnd: DayEndService;
  readonly deposits: DepositRule;
  readonly settings: CashierSettingsService;

  constructor(
    db: Db,
    directory: ProjectDirectory,
    keeper: MirrorKeeper,
    depositJobs: DepositJobs,
    log: Logger,
    /** Re-renders a printed 认购书 whose deposits or status changed (never waited for). */
    docs: DocumentRefresher | null = null,
    /** `subscription:cancelled` to the consultant and the managers when the deposit rule cancels. */
    events: DealEvents | null = null,
  ) {
    this.books = new ReceiptBookService(db, directory);
    this.payments = new PaymentService(db, directory, depositJobs, docs);
    this.deals = new CashierDeals(db, directory, this.payments);
    this.receipts = new ReceiptService(db, directory, depositJobs, docs);
    this.dayEnd = new DayEndService(db, directory);
    this.deposits = new DepositRule(db, keeper, depositJobs, log, docs, events);
    this.settings = new CashierSettingsService(db, directory, this.deposits);
  }
}
