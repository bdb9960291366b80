export type CheckStatus = "ok" | "warn" | "fail";

/** One line of `parley doctor` and `parley config check`. */
export interface CheckResult {
  group: string;
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn or fail. */
  fix?: string;
}
