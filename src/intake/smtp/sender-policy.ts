import { anyCidrContains, parseCidr, type Cidr } from "../../lib/cidr.js";

/**
 * intake.smtp.allowFrom read as two lists: hosts (addresses, CIDRs) the
 * connection must come from, and senders (vm@pbx.example.com, or a whole
 * @pbx.example.com) the envelope sender must match. A list with no entries
 * of a kind does not restrict by that kind. Sender addresses are compared
 * without case.
 */
export class SenderPolicy {
  readonly hosts: readonly Cidr[];
  private readonly addresses = new Set<string>();
  private readonly domains = new Set<string>();

  constructor(entries: readonly string[]) {
    const hosts: Cidr[] = [];
    for (const entry of entries) {
      const cidr = parseCidr(entry);
      if (cidr) hosts.push(cidr);
      else if (entry.startsWith("@")) this.domains.add(entry.slice(1).toLowerCase());
      else this.addresses.add(entry.toLowerCase());
    }
    this.hosts = hosts;
  }

  /** Whether `address` (the client's IP) is an allowed host; true when no host entries restrict. */
  hostAllowed(address: string): boolean {
    return this.hosts.length === 0 || anyCidrContains(this.hosts, address);
  }

  /** Whether the envelope sender is allowed; true when no sender entries restrict. The null sender (<>) never matches a list. */
  senderAllowed(sender: string): boolean {
    if (this.addresses.size === 0 && this.domains.size === 0) return true;
    const address = sender.trim().toLowerCase();
    if (!address) return false;
    const domain = address.slice(address.lastIndexOf("@") + 1);
    return this.addresses.has(address) || this.domains.has(domain);
  }

  /** True when anyone may send (no hosts, no senders): worth a warning at start. */
  get open(): boolean {
    return this.hosts.length === 0 && this.addresses.size === 0 && this.domains.size === 0;
  }
}
