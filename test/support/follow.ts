/**
 * A screen following a project over a hub socket the way the web client does
 * (client/src/stores/units.ts): join, hold the frames that race the snapshot, re-join on a gap,
 * on `project:changed {resync}` and after a reconnect. What it shows is `live` (LiveProject);
 * `live.gaps` counts changes the server never delivered, so a test can assert there were none.
 */
import { LiveProject, type ProjectSnapshot } from '@kaipan/shared';
import { emitAck, type HubClient } from './app.js';

export interface Follower {
  live: LiveProject;
  /** `project:changed {resync}` events received (the server rebuilt its live state). */
  resyncs: number;
  /** Joins answered (the first one included). */
  joins: number;
}

/** Follow `projectId` on `socket`; resolves once the first snapshot is loaded. */
export async function followProject(socket: HubClient, projectId: string): Promise<Follower> {
  const follower: Follower = { live: new LiveProject(), resyncs: 0, joins: 0 };
  const { live } = follower;
  const join = async (): Promise<void> => {
    const ticket = live.join();
    const ack = await emitAck<ProjectSnapshot>(socket, 'project:join', { projectId });
    // A refused join (e.g. Redis being rebuilt) is retried, as the web client does.
    if (!ack.ok) throw new Error(ack.error.code);
    follower.joins += 1;
    if (!live.load(ack.data, ticket)) rejoin();
  };
  const rejoin = (): void => {
    join().catch(() => {
      if (socket.connected) setTimeout(rejoin, 100);
    });
  };
  socket.on('units:changed', (frame) => {
    if (frame.projectId === projectId && !live.apply(frame)) rejoin();
  });
  socket.on('project:changed', (event) => {
    if (event.projectId !== projectId || !event.resync) return;
    follower.resyncs += 1;
    rejoin();
  });
  // A new connection is in no room: join again.
  socket.io.on('reconnect', rejoin);
  await join();
  return follower;
}
