import type { ApiDeps } from "../api/deps.js";
import type { Features } from "./features.js";
import type { Infrastructure } from "./infrastructure.js";

/**
 * What the routes take until they take the facades: the shared pieces plus the features' ports.
 * The live calls are read when asked (SIP is attached after the app is built).
 */
export function apiDeps(infra: Infrastructure, features: Features): ApiDeps {
  const { notify, webhooks, calls } = features;
  return {
    ...infra,
    ttsCache: notify.ttsCache,
    callbackTimer: notify.callbackTimer,
    deliverWebhook: (endpointName, eventId) => webhooks.deliverTo(endpointName, eventId),
    dialer: {
      available: () => calls.manager !== null,
      deliver: (call) => calls.deliver(call),
      dialLive: (call) => calls.dialLive(call),
    },
    get calls() {
      return calls.manager;
    },
  };
}
