import type { PlacingDeps } from "../calls/outbound/deps.js";
import type { NotifyDeps } from "../notify/deps.js";
import type { ApiKeysRepo } from "../store/repos/api-keys-repo.js";
import type { VoicemailDeps } from "../voicemail/deps.js";
import type { WebhookServices } from "../webhooks/index.js";
import type { OutboundPolicy } from "../lib/outbound/index.js";
import type { Knowledge } from "../knowledge/index.js";

/**
 * What the HTTP API reaches: the features' own dependencies (its routes call
 * their functions) and the API keys. Declared here, from the features' types,
 * so api/ never imports app/; app/ builds one object that satisfies it.
 */
export type ApiDeps = VoicemailDeps &
  NotifyDeps &
  WebhookServices &
  PlacingDeps & {
    apiKeys: ApiKeysRepo;
    outbound: { webhooks: OutboundPolicy; tools: OutboundPolicy };
    knowledge: Knowledge;
  };
