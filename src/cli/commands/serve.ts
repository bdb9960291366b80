import { appLogger } from "../../app/logger.js";
import { ParleyServer } from "../../app/server.js";
import { missingModelsMessage, resolveProfileModels } from "../../app/resolve-models.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { parseHostPort } from "../host-port.js";
import { CliError, type Command } from "../types.js";

/** --smtp HOST:PORT (or PORT, on 127.0.0.1) as intake.smtp.listen writes it. */
function smtpListen(value: string): string {
  const { host, port } = parseHostPort(value, "--smtp");
  const h = host ?? "127.0.0.1";
  return `${h.includes(":") ? `[${h}]` : h}:${port}`;
}

export const serveCommand: Command = {
  name: "serve",
  summary: "run the server: HTTP API and the profile's engines",
  usage: `Usage: parley serve [options]

Starts Parley: the HTTP API (/healthz, /readyz, /metrics, /v1) and the
engines of the selected model profile. Logs are JSON lines on stderr.
SIGTERM or SIGINT stops it gracefully.

Options:
  --profile NAME       model profile (tiny, small, default, or one from a site catalog)
  --config FILE        config file (default: ./parley.yaml when present)
  --data-dir DIR       where the database, recordings and models live (default ./data)
  --http HOST:PORT     HTTP listen address (default 127.0.0.1:8080)
  --sip HOST:PORT      SIP listen address, UDP and TCP (default 127.0.0.1:5080; sip.listen in the config)
  --no-sip             do not answer calls (API and voicemail only)
  --smtp HOST:PORT     take voicemail-to-email from the PBX here (intake.smtp.listen; off unless given
                       or intake.smtp is configured; see docs/pbx.md)
`,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      {
        ...commonOptions,
        http: { type: "string" },
        sip: { type: "string" },
        "no-sip": { type: "boolean", default: false },
        smtp: { type: "string" },
      },
      false,
    );
    const extra: Record<string, unknown> = {};
    if (values.http) extra.http = parseHostPort(values.http, "--http");
    if (values.sip) extra.sip = { listen: parseHostPort(values.sip, "--sip") };
    if (values["no-sip"]) extra.sip = { enabled: false };
    if (values.smtp) extra.intake = { smtp: { listen: smtpListen(values.smtp) } };
    const { config, source } = configFromFlags(ctx, values, extra);
    const logger = appLogger(config);
    const models = await resolveProfileModels(config, ctx.cwd, {
      onInstall: (id) => logger.info({ model: id }, "model generated on demand (nothing to download)"),
    });
    if (models.missing.length > 0) throw new CliError(missingModelsMessage(models));
    logger.info({ config: source, profile: config.profile, dataDir: config.dataDir }, "starting parley");
    const server = await ParleyServer.start({ config, logger, cwd: ctx.cwd });
    const { host, port } = server.address;
    const sip = server.sipAddress;
    const smtp = server.smtpAddress;
    const also = [sip ? `sip:${sip.host}:${sip.port}` : null, smtp ? `smtp://${smtp.host}:${smtp.port}` : null];
    ctx.stderr.write(
      `parley: listening on http://${host}:${port}${also
        .filter(Boolean)
        .map((a) => ` and ${a}`)
        .join("")} (profile ${config.profile}); /readyz turns 200 once the engines are loaded\n`,
    );
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await server.stop();
    logger.flush();
    return 0;
  },
};
