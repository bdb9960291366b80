import { describe, expect, it } from "vitest";
import { grantedBinding } from "../../../src/sip/register-binding.js";

describe("grantedBinding", () => {
  const ours = "sip:parley@10.0.0.5:5080";

  it("finds our Contact among the AOR's bindings, with its expires parameter", () => {
    const headers = [
      "<sip:other@10.0.0.9>;expires=60, <sip:parley@10.0.0.5:5080;transport=udp>;expires=120",
      "<sip:x@y>;expires=5",
    ];
    expect(grantedBinding(headers, ours, "3600")).toBe(120);
  });

  it("falls back to the Expires header when our Contact has no expires parameter", () => {
    expect(grantedBinding(["<sip:parley@10.0.0.5:5080>"], ours, "300")).toBe(300);
  });

  it("is null when the 200 lists no binding for us (a registrar that ignored or never got our Contact)", () => {
    expect(grantedBinding([], ours, "3600")).toBeNull();
    expect(grantedBinding(["<sip:parley@10.0.0.5:5081>;expires=60"], ours, "3600")).toBeNull();
    expect(grantedBinding(["<sip:parley@10.0.0.5:5080>;expires=0"], ours, "3600")).toBeNull();
  });
});
