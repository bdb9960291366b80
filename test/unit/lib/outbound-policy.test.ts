import { describe, expect, it } from "vitest";
import { OutboundPolicy } from "../../../src/lib/outbound/index.js";

const policy = (o: Partial<{ allowHosts: string[]; allowPrivateNetworks: boolean }> = {}) =>
  new OutboundPolicy({
    allowHosts: o.allowHosts ?? [],
    allowPrivateNetworks: o.allowPrivateNetworks ?? true,
    setting: "webhooks.allowHosts",
  });

describe("where outbound requests may go", () => {
  it("allows only http and https", () => {
    const p = policy();
    expect(p.urlRefusal("https://hooks.example.com/x")).toBeNull();
    expect(p.urlRefusal("http://hooks.example.com/x")).toBeNull();
    expect(p.urlRefusal("file:///etc/passwd")).toMatch(/uses file: only http and https/);
    expect(p.urlRefusal("gopher://hooks.example.com:70/_x")).toMatch(/uses gopher/);
    expect(p.urlRefusal("ftp://x/")).toMatch(/uses ftp/);
    expect(p.urlRefusal("not a url")).toBe("is not an absolute URL");
  });

  it("refuses the server itself, link-local and metadata addresses in every spelling, naming the setting", () => {
    const p = policy();
    const refused = [
      "http://127.0.0.1:8080/",
      "http://2130706433/",
      "http://0x7f.1/",
      "http://017700000001/",
      "http://127.1/",
      "http://127.255.0.9/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:7f00:1]/",
      "http://[64:ff9b::7f00:1]/",
      "http://[2002:7f00:1::]/",
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/",
      "http://[fe80::1]/",
      "http://0.0.0.0:9/",
      "http://[::]/",
      "http://224.0.0.1/",
      "http://255.255.255.255/",
      "http://localhost:3000/",
      "http://api.localhost/",
      "http://LOCALHOST./",
    ];
    for (const url of refused) expect(p.urlRefusal(url), url).toMatch(/webhooks\.allowHosts/);
    expect(p.urlRefusal("http://2130706433/")).toBe(
      "127.0.0.1 is a loopback address; list it in webhooks.allowHosts to allow it",
    );
    expect(p.urlRefusal("http://169.254.169.254/")).toContain("link-local address (cloud metadata lives there)");
    expect(p.urlRefusal("http://93.184.216.34/")).toBeNull();
    expect(p.urlRefusal("http://[2001:db8::1]/")).toBeNull();
  });

  it("allows private networks by default and refuses them when told to", () => {
    for (const url of [
      "http://10.1.2.3/",
      "http://172.16.0.1/",
      "http://192.168.1.10/",
      "http://100.64.0.1/",
      "http://[fd12::1]/",
      "http://[::ffff:10.0.0.1]/",
    ]) {
      expect(policy().urlRefusal(url), url).toBeNull();
      expect(policy({ allowPrivateNetworks: false }).urlRefusal(url), url).toMatch(/private network/);
    }
  });

  it("lets listed hosts, addresses and ranges through", () => {
    const p = policy({
      allowHosts: ["127.0.0.1", "crm.internal", "10.9.0.0/16", "::1", "LocalHost"],
      allowPrivateNetworks: false,
    });
    expect(p.urlRefusal("http://127.0.0.1:9/")).toBeNull();
    expect(p.urlRefusal("http://2130706433/")).toBeNull();
    expect(p.urlRefusal("http://[::ffff:127.0.0.1]/")).toBeNull();
    expect(p.urlRefusal("http://127.0.0.2/")).toMatch(/loopback/);
    expect(p.urlRefusal("http://[::1]/")).toBeNull();
    expect(p.urlRefusal("http://10.9.4.4/")).toBeNull();
    expect(p.urlRefusal("http://10.8.4.4/")).toMatch(/private network/);
    expect(p.urlRefusal("http://localhost/")).toBeNull();
  });

  it("checks the addresses a name resolves to when connecting (the system resolver, as node:http calls it)", async () => {
    const lookup = (p: OutboundPolicy, name: string) =>
      new Promise<string>((resolve, reject) =>
        p.lookupFor(name)(name, { family: 0 }, (err, address) => (err ? reject(err) : resolve(address as string))),
      );
    await expect(lookup(policy(), "localhost")).rejects.toThrow(
      /localhost resolves to (127\.0\.0\.1|::1) is a loopback address/,
    );
    await expect(lookup(policy({ allowHosts: ["127.0.0.1", "::1"] }), "localhost")).resolves.toMatch(
      /^(127\.0\.0\.1|::1)$/,
    );
    await expect(lookup(policy({ allowHosts: ["localhost"] }), "localhost")).resolves.toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
