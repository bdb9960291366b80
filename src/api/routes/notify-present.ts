import type { CampaignRecord } from "../../store/repos/campaigns-repo.js";
import type { NotificationRecord } from "../../store/repos/notifications-repo.js";
import type { AttemptRecord } from "../../store/repos/outbound-attempts-repo.js";
import type { TemplateRecord } from "../../store/repos/templates-repo.js";
import { compileTemplate, fillTemplate } from "../../notify/templates.js";
import { isoTime, isoTimeOrNull } from "../../lib/iso-time.js";

/** API shapes of the outbound side (times as ISO 8601 strings, as everywhere in /v1). */
export function presentNotification(n: NotificationRecord) {
  return {
    id: n.id,
    to: n.to,
    agent: n.agent,
    templateId: n.templateId,
    campaignId: n.campaignId,
    row: n.rowNo,
    message: fillTemplate(compileTemplate(n.text), n.variables),
    variables: n.variables,
    disclosure: n.disclosure,
    menu: n.menu,
    window: n.window,
    timeZone: n.timeZone,
    amd: n.amd,
    status: n.status,
    outcome: n.outcome,
    choice: n.choice,
    digits: n.digits,
    attempts: n.attempts,
    nextAttemptAt: isoTimeOrNull(n.nextAttemptAt),
    jobId: n.jobId,
    lastCallId: n.lastCallId,
    idempotencyKey: n.idempotencyKey,
    error: n.error,
    createdAt: isoTime(n.createdAt),
    updatedAt: isoTime(n.updatedAt),
    finishedAt: isoTimeOrNull(n.finishedAt),
  };
}

export function presentAttempt(a: AttemptRecord) {
  return {
    attempt: a.attempt,
    dialed: a.dialed,
    outcome: a.outcome,
    choice: a.choice,
    digits: a.digits,
    amd: a.amd,
    callId: a.callId,
    jobId: a.jobId,
    startedAt: isoTime(a.startedAt),
    durationMs: a.durationMs,
    nextAttemptAt: isoTimeOrNull(a.nextAttemptAt),
    error: a.error,
  };
}

export function presentTemplate(t: TemplateRecord) {
  return {
    id: t.id,
    name: t.name,
    text: t.text,
    variables: t.variables,
    description: t.description,
    createdAt: isoTime(t.createdAt),
    updatedAt: isoTime(t.updatedAt),
  };
}

export function presentCampaign(c: CampaignRecord) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    templateId: c.templateId,
    text: c.text,
    variables: c.variables,
    agent: c.agent,
    window: c.window,
    pacing: { callsPerSecond: c.callsPerSecond, maxConcurrent: c.maxConcurrent },
    disclosure: c.disclosure,
    menu: c.menu,
    amd: c.amd,
    createdAt: isoTime(c.createdAt),
    updatedAt: isoTime(c.updatedAt),
    startedAt: isoTimeOrNull(c.startedAt),
    finishedAt: isoTimeOrNull(c.finishedAt),
  };
}
