/** The props of a setup section page (kept apart from sections.ts, which imports the pages). */
import type { ProjectSummary, UserInfo } from '@kaipan/shared';

/** What every section page receives from the setup layout. */
export interface SetupSectionProps {
  projectId: string;
  user: UserInfo;
  /** The project as last loaded (the list entry); a section that changes it calls `onProjectChanged`. */
  project: ProjectSummary;
  onProjectChanged: (project: ProjectSummary) => void;
}
