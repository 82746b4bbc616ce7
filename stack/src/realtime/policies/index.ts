import type { Logger } from '../../lib/logger.ts';
import type { ChannelPolicies } from '../contracts.ts';

export interface ChannelPoliciesService extends ChannelPolicies {
  close(): Promise<void>;
}

// PLACEHOLDER — replaced by the policy checker: denies everything.
export function createChannelPolicies(_deps: {
  databaseUrl: string;
  logger: Logger;
}): ChannelPoliciesService {
  return {
    canRead: async () => ({}),
    canWrite: async () => false,
    replay: async () => [],
    close: async () => undefined,
  };
}
