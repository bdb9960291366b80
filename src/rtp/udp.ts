/** Binding the UDP socket of a session. */
import { type Socket, createSocket } from "node:dgram";
import { isIPv6 } from "node:net";

/** Binds a UDP socket on `host:port` (port 0: any); rejects with the bind error (e.g. EADDRINUSE) and leaves nothing open. */
export function bindUdp(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(host) ? "udp6" : "udp4" });
    const onError = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once("error", onError);
    socket.bind(port, host, () => {
      socket.removeListener("error", onError);
      resolve(socket);
    });
  });
}
