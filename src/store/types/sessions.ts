/**
 * Records of the store: Chat sessions.
 */
import type { SessionState } from '../../flow/types.ts';

export interface SessionRecord {
  id: string;
  channel: string;
  userId: string;
  state: SessionState;
  createdAt: string;
  updatedAt: string;
}
