import type { FeatureJobs } from "../jobs/index.js";
import type { PortPool } from "../rtp/index.js";
import type { SipPort } from "../sip/index.js";
import { CallManager, type DialRequest } from "./call-manager.js";
import type { CallsDeps } from "./deps.js";
import { dialTarget } from "./dial-target.js";
import { warmPhrases, type WarmupReport } from "./phrase-warmup.js";
import { SUMMARY_JOB } from "./kinds.js";
import { deliverNotification, type DeliveryRequest, type DeliveryResult } from "./outbound/deliver.js";
import { surveyCall } from "./survey/outbound.js";
import { summaryTask } from "./summary-task.js";

/** The calls feature (live calls and outbound placing) as the API, the CLI and the other features see it. */
export interface Calls extends FeatureJobs {
  /** The live calls once SIP is attached; null where this process runs no SIP (`parley worker`, sip.enabled off). */
  readonly manager: CallManager | null;
  /** Starts taking and placing calls on this SIP port and RTP port range (once per process). */
  attach(sip: SipPort, ports: PortPool): CallManager;
  /** Forgets the manager (a test that stopped its SIP port); calls then fail as where no SIP runs. */
  detach(): void;
  /** Checked right before every outbound dial, whatever asked for it: app/ puts notify's do-not-call guard here. */
  readonly dialGuards: ((to: string) => Promise<void>)[];
  /** One notification call (the notify dialer port): dial, detect a machine, play, take the menu answer. */
  deliver(req: DeliveryRequest): Promise<DeliveryResult>;
  /** A live call for a callback: dialled through the trunk, the agent talks. Throws without SIP. */
  dialLive(req: DialRequest): Promise<{ callId: number }>;
  /** An outbound survey call. */
  survey(req: Parameters<typeof surveyCall>[1]): ReturnType<typeof surveyCall>;
  /**
   * Renders every agent's greeting and fixed phrases into the TTS cache (at start, once the engines are loaded);
   * `onGreetings` is told when the greetings are done (readiness waits for them), before the other phrases.
   */
  warmPhrases(signal: AbortSignal, onGreetings?: (soFar: WarmupReport) => void): Promise<WarmupReport>;
}

/**
 * The calls feature over its own dependencies. A message left on a call goes out through the `onMessage`
 * port and callback timing comes in through `callbackTimer`; app/ wires both to the other features.
 */
export function createCalls(deps: CallsDeps): Calls {
  let manager: CallManager | null = null;
  // Placing reads the manager at call time: SIP is attached after the features are built.
  const placing = () => ({ ...deps, calls: manager });
  return {
    get manager() {
      return manager;
    },
    attach(sip, ports) {
      manager = new CallManager(deps, sip, ports);
      return manager;
    },
    detach() {
      manager = null;
    },
    dialGuards: deps.dialGuards,
    deliver: (req) => deliverNotification(placing(), req),
    dialLive: async (req) => {
      if (!manager) throw new Error("no SIP in this process"); // callers check that SIP runs first
      const { callId } = await manager.dial({ ...req, to: dialTarget(deps.config, req.to) });
      return { callId };
    },
    survey: (req) => surveyCall(placing(), req),
    warmPhrases: (signal, onGreetings) => warmPhrases(deps, signal, onGreetings),
    tasks: { [SUMMARY_JOB]: summaryTask(deps) },
    watch: () => () => {},
  };
}
