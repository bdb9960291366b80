// Opens N idle TCP connections to 127.0.0.1:PORT from 127.0.0.2..(2+SOURCES-1), sends nothing, reports how many
// are still open after each wait. Usage: node idle-tcp.mjs PORT N SOURCES WAIT_MS...
import { connect } from "node:net";
const [port, n, sources, ...waits] = process.argv.slice(2).map(Number);
const sockets = [];
let refused = 0;
await Promise.all(
  Array.from(
    { length: n },
    (_, i) =>
      new Promise((resolve) => {
        const s = connect({ host: "127.0.0.1", port, localAddress: `127.0.0.${2 + (i % sources)}` });
        s.on("error", () => {});
        s.once("connect", () => {
          sockets.push(s);
          resolve();
        });
        s.once("close", () => resolve());
      }),
  ),
);
const open = () => sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
console.log(`opened ${sockets.length} of ${n}`);
let t = 0;
for (const w of waits) {
  await new Promise((r) => setTimeout(r, w - t));
  t = w;
  console.log(`t=${w} ms: ${open()} still open (client side)`);
}
if (process.env.HOLD_MS) await new Promise((r) => setTimeout(r, Number(process.env.HOLD_MS)));
for (const s of sockets) s.destroy();
