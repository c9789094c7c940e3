/**
 * Running a report job to its file (docs/reports.md): start it, poll its progress, download the
 * file when done. The reports page shows each step on its card; other screens (the audit log's
 * export) just await the file.
 */
import type { ReportJob } from '@kaipan/shared';
import { api, downloadFile, type DownloadedFile } from './api';

/** How often a running job is polled, ms. */
export const REPORT_POLL_MS = 700;

/** Thrown when the server says the job failed (the reason stays in the server's log). */
export class ReportJobFailed extends Error {}

/**
 * Poll `jobId` until it is done (then download its file) or failed. `onProgress` hears every state.
 * `signal` stops the polling (a page left).
 */
export async function awaitReportFile(
  projectId: string,
  job: ReportJob,
  onProgress: (job: ReportJob) => void = () => undefined,
  signal?: AbortSignal,
): Promise<DownloadedFile> {
  let current = job;
  for (;;) {
    onProgress(current);
    if (current.state === 'done' && current.downloadUrl)
      return downloadFile(current.downloadUrl, current.fileName ?? `${current.kind}.xlsx`);
    if (current.state === 'failed') throw new ReportJobFailed(current.error?.message ?? 'The report failed');
    await new Promise((resolve) => setTimeout(resolve, REPORT_POLL_MS));
    if (signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    current = await api.reportJob(projectId, current.jobId);
  }
}

/** Save a downloaded file through the browser. */
export function saveFile(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
