import type { FeatureJobs } from "../jobs/index.js";
import type { CampaignRecord } from "../store/repos/campaigns-repo.js";
import type { NotificationRecord } from "../store/repos/notifications-repo.js";
import { callbackTask } from "./callbacks/callback-task.js";
import type { CallbackTimer } from "./callbacks/policy.js";
import { callbackTimer } from "./callbacks/timer.js";
import { scheduleCallback, type CallbackRequest, type ScheduledCallback } from "./callbacks/schedule-callback.js";
import { callbackDesk, type CallbackDesk } from "./callbacks/desk.js";
import { changeCampaign, createCampaign, type CampaignAction } from "./campaigns/campaigns.js";
import { importRecipients, type ImportReport, type RawRecipient } from "./campaigns/recipients.js";
import { tickTask } from "./campaigns/tick-task.js";
import { doNotCallGuard } from "./compliance/dial-guard.js";
import { notifyContext, voiceOf, type NotifyContext } from "./context.js";
import { deliverTask, watchDeliveries } from "./deliver-task.js";
import type { NotifyDeps } from "./deps.js";
import { CALLBACK_JOB, DELIVER_JOB, RENDER_JOB, TICK_JOB } from "./kinds.js";
import { agentName, cancelNotification, createNotification, type CreateNotification } from "./notifications.js";
import { renderTask } from "./render-task.js";
import type { TtsCache, Voice } from "../engines/tts/cache/index.js";

/**
 * The notify feature (templates, notifications, campaigns, callbacks, surveys' compliance) as the API, the
 * CLI and the other features (through app/) see it.
 */
export interface Notify extends FeatureJobs {
  /** The outbound tables and the do-not-call list, shared by the routes and the tasks of this process. */
  context(): NotifyContext;
  createNotification(input: CreateNotification): ReturnType<typeof createNotification>;
  cancelNotification(id: number): Promise<NotificationRecord>;
  createCampaign(input: Parameters<typeof createCampaign>[1]): Promise<CampaignRecord>;
  changeCampaign(id: number, action: CampaignAction): Promise<CampaignRecord>;
  importRecipients(campaign: CampaignRecord, rows: readonly RawRecipient[]): Promise<ImportReport>;
  /** An agent's voice; throws the registry's 404 for an unknown agent. */
  voiceOf(agent: string): Voice;
  /** The agent a request names, or the default; an unknown one is a 422. */
  agentName(agent: string | undefined): string;
  /** Rendered speech, content-addressed under `<dataDir>/tts-cache`. */
  readonly ttsCache: TtsCache;
  /** Promises a callback: queues it, records it (the callbacks table) and announces callback.scheduled once. */
  scheduleCallback(request: CallbackRequest): Promise<ScheduledCallback>;
  /** The promised callbacks: list, cancel, reschedule (the /v1/callbacks API and the console). */
  readonly callbacks: CallbackDesk;
  /** When a callback can be placed (windows, daily cap): voicemail routing and live calls ask it through app/. */
  readonly callbackTimer: CallbackTimer;
  /** The do-not-call rule as a dial guard: throws a ParleyError for a listed number (calls check it before dialling). */
  readonly dialGuard: (to: string) => Promise<void>;
}

/**
 * The notify feature over its own dependencies. It places calls through the `dialer` port, which app/
 * implements with the calls feature.
 */
export function createNotify(deps: NotifyDeps): Notify {
  return {
    context: () => notifyContext(deps),
    createNotification: (input) => createNotification(deps, input),
    cancelNotification: (id) => cancelNotification(deps, id),
    createCampaign: (input) => createCampaign(deps, input),
    changeCampaign: (id, action) => changeCampaign(deps, id, action),
    importRecipients: (campaign, rows) => importRecipients(deps, campaign, rows),
    voiceOf: (agent) => voiceOf(deps, agent),
    agentName: (agent) => agentName(deps, agent),
    ttsCache: deps.ttsCache,
    callbackTimer: callbackTimer(deps),
    scheduleCallback: (request) => scheduleCallback(deps, request),
    callbacks: callbackDesk(deps),
    dialGuard: doNotCallGuard(deps),
    // The three that dial need SIP, so they belong to the process that runs it (`parley serve`); see
    // docs/notifications.md for a lane of their own.
    tasks: {
      [RENDER_JOB]: renderTask(deps),
      [DELIVER_JOB]: deliverTask(deps),
      [TICK_JOB]: tickTask(deps),
      [CALLBACK_JOB]: callbackTask(deps),
    },
    watch: () => watchDeliveries(deps),
  };
}
