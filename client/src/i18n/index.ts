/**
 * The consultant app's dictionaries, one file per feature (zh-CN and en side by side), merged into
 * one message table. client/src/lib/i18n.ts binds it to the app's language.
 */
import { accountMessages } from './account';
import { agreementMessages } from './agreement';
import { auditMessages } from './audit';
import { boardMessages } from './board';
import { buyerPageMessages } from './buyer-page';
import { commonMessages } from './common';
import { consultantMessages } from './consultant';
import { customersMessages } from './customers';
import { dashboardMessages } from './dashboard';
import { dealsMessages } from './deals';
import { devicesMessages } from './devices';
import { documentsMessages } from './documents';
import { importMessages } from './import';
import { lotteryMessages } from './lottery';
import { managerMessages } from './manager';
import { membersMessages } from './members';
import { pricesMessages } from './prices';
import { queueMessages } from './queue';
import { registrationsMessages } from './registrations';
import { rehearsalsMessages } from './rehearsals';
import { reportsMessages } from './reports';
import { usersMessages } from './users';
import { setupBuildingsMessages } from './setup-buildings';
import { setupMessages } from './setup';

/** Every feature's dictionary; a key belongs to exactly one (i18n.test.ts). */
export const FEATURE_DICTIONARIES = {
  common: commonMessages,
  account: accountMessages,
  consultant: consultantMessages,
  customers: customersMessages,
  registrations: registrationsMessages,
  deals: dealsMessages,
  prices: pricesMessages,
  manager: managerMessages,
  import: importMessages,
  lottery: lotteryMessages,
  queue: queueMessages,
  board: boardMessages,
  buyerPage: buyerPageMessages,
  documents: documentsMessages,
  agreement: agreementMessages,
  members: membersMessages,
  users: usersMessages,
  devices: devicesMessages,
  rehearsals: rehearsalsMessages,
  setupBuildings: setupBuildingsMessages,
  setup: setupMessages,
  audit: auditMessages,
  reports: reportsMessages,
  dashboard: dashboardMessages,
} as const;

export const messages = {
  ...commonMessages,
  ...accountMessages,
  ...consultantMessages,
  ...customersMessages,
  ...registrationsMessages,
  ...dealsMessages,
  ...pricesMessages,
  ...managerMessages,
  ...importMessages,
  ...lotteryMessages,
  ...queueMessages,
  ...boardMessages,
  ...buyerPageMessages,
  ...documentsMessages,
  ...agreementMessages,
  ...membersMessages,
  ...usersMessages,
  ...devicesMessages,
  ...rehearsalsMessages,
  ...setupBuildingsMessages,
  ...setupMessages,
  ...auditMessages,
  ...reportsMessages,
  ...dashboardMessages,
};

export type MessageKey = keyof typeof messages & string;
