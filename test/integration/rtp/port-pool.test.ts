import type { Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { PortsExhaustedError } from "../../../src/rtp/errors.js";
import { PortPool } from "../../../src/rtp/port-pool.js";
import { RtpSession } from "../../../src/rtp/session.js";
import { bindUdp } from "../../../src/rtp/udp.js";
import { HOST, rtpConfig } from "./helpers.js";

const sockets: Socket[] = [];
const sessions: RtpSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  for (const s of sockets.splice(0)) s.close();
});

/** A range of 3 even ports that are free right now (several test workers run at once). */
async function freeRange(): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const min = 40000 + 2 * Math.floor(Math.random() * 10000);
    const probes: Socket[] = [];
    try {
      for (let p = min; p <= min + 4; p += 2) probes.push(await bindUdp(HOST, p));
      return { min, max: min + 5 };
    } catch {
      // taken: try elsewhere
    } finally {
      for (const s of probes) s.close();
    }
  }
  throw new Error("no free port range found");
}

describe("PortPool", () => {
  it("hands out even ports, skips one held by someone else, and fails clearly when exhausted", async () => {
    const range = await freeRange();
    const pool = new PortPool(range);
    expect(pool.size).toBe(3);
    const squatter = await bindUdp(HOST, range.min + 2); // another process holds the middle port
    sockets.push(squatter);
    const a = await pool.acquire((p) => bindUdp(HOST, p));
    const b = await pool.acquire((p) => bindUdp(HOST, p));
    sockets.push(a.value, b.value);
    expect([a.port, b.port]).toEqual([range.min, range.min + 4]);
    expect(pool.busyElsewhere).toBe(1);
    const err = await pool.acquire((p) => bindUdp(HOST, p)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortsExhaustedError);
    expect(err).toMatchObject({ status: 503, retryable: true, code: "rtp_ports_exhausted" });
    pool.release(a.port);
    a.value.close();
    sockets.splice(sockets.indexOf(a.value), 1);
    const c = await pool.acquire((p) => bindUdp(HOST, p));
    sockets.push(c.value);
    expect(c.port).toBe(range.min);
  });

  it("RtpSession takes its port from the pool and gives it back on close", async () => {
    const range = await freeRange();
    const pool = new PortPool(range);
    const config = rtpConfig();
    for (let i = 0; i < 3; i++) sessions.push(await RtpSession.open({ config, pool }));
    expect(sessions.map((s) => s.localPort)).toEqual([range.min, range.min + 2, range.min + 4]);
    await expect(RtpSession.open({ config, pool })).rejects.toBeInstanceOf(PortsExhaustedError);
    await sessions.shift()!.close();
    expect(pool.allocated).toBe(2);
    const again = await RtpSession.open({ config, pool });
    sessions.push(again);
    expect(again.localPort).toBe(range.min);
  });

  it("concurrent allocations never get the same port; other bind errors are not swallowed", async () => {
    const range = await freeRange();
    const pool = new PortPool(range);
    const got = await Promise.all([0, 1, 2].map(() => pool.acquire((p) => bindUdp(HOST, p))));
    sockets.push(...got.map((g) => g.value));
    expect(new Set(got.map((g) => g.port)).size).toBe(3);
    const other = new PortPool({ min: 50000, max: 50010 });
    await expect(
      other.acquire(() => Promise.reject(Object.assign(new Error("boom"), { code: "EINVAL" }))),
    ).rejects.toThrow("boom");
    expect(other.allocated).toBe(0);
    expect(() => new PortPool({ min: 3, max: 3 })).toThrow(/no even port/);
  });
});
