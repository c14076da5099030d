#!/usr/bin/env node
/** The `sluice` command. Commands are thin: they parse arguments and call the platform API. */
import { readFileSync } from "node:fs";
import { credentialFromPair, parseCredentialLines } from "../server/credentials.js";
import type { Credential } from "../wire/sigv4.js";
import { intOption, parseArgs, UsageError, type Args } from "./args.js";
import { applyConfig, watchConfig } from "./app-config.js";
import { runDemo } from "./demo.js";
import { listQueuesCommand, receiveCommand, redriveCommand, sendCommand } from "./queue-commands.js";
import { serve, summary } from "./serve.js";

const HELP = `sluice — AWS event-driven building blocks on SQLite or PostgreSQL

Usage:
  sluice start [--port 4566] [--host 127.0.0.1] [--data .sluice] [--store postgres://…] [--credentials FILE] [--config FILE]
                 the AWS endpoint; needs SLUICE_ACCESS_KEY_ID and SLUICE_SECRET_ACCESS_KEY or --credentials
               [--writer inline|thread] [--durability full|relaxed]
  sluice dev   [same options] [--demo]
                 the endpoint with development defaults: also accepts the keys test/test,
                 and re-applies sluice.config.ts when it or a function's code changes
  sluice demo  [--orders N] [--data DIR]      a queue demo on the embedded store, with reconciliation
  sluice queues  [--data DIR|--store URL] [--prefix P] [--json]
  sluice send    <queue> <body> [--group G] [--dedup D] [--delay S] [--json]
  sluice receive <queue> [--max N] [--wait S] [--delete] [--json]
  sluice redrive <dead-letter-queue> [--to QUEUE|ARN] [--rate N] [--json]

Credentials file: one key:secret[:account] per line (account defaults to 000000000000).
`;

const BOOLEANS = ["json", "delete", "demo", "help"];

function credentialsFrom(args: Args, dev: boolean): Credential[] {
  const out: Credential[] = [];
  const file = args.options.get("credentials");
  if (file) out.push(...parseCredentialLines(readFileSync(file, "utf8"), file));
  const key = process.env["SLUICE_ACCESS_KEY_ID"];
  const secret = process.env["SLUICE_SECRET_ACCESS_KEY"];
  if (key && secret) out.push(credentialFromPair(key, secret, process.env["SLUICE_ACCOUNT_ID"]));
  if (dev) out.push(credentialFromPair("test", "test"));
  return out;
}

async function runServer(args: Args, dev: boolean): Promise<number> {
  const credentials = credentialsFrom(args, dev);
  if (!credentials.length) {
    process.stderr.write(
      "sluice start: no credentials. Set SLUICE_ACCESS_KEY_ID and SLUICE_SECRET_ACCESS_KEY, or pass --credentials FILE " +
        "(lines key:secret[:account]). For local development, `sluice dev` accepts test/test.\n",
    );
    return 2;
  }
  const store = args.options.get("store");
  const publicUrl = args.options.get("public-url");
  const writer = args.options.get("writer");
  const durability = args.options.get("durability");
  if (writer !== undefined && writer !== "inline" && writer !== "thread") throw new UsageError("--writer must be inline or thread");
  if (durability !== undefined && durability !== "full" && durability !== "relaxed") throw new UsageError("--durability must be full or relaxed");
  const s = await serve({
    port: intOption(args, "port", 4566, 0, 65535),
    host: args.options.get("host") ?? "127.0.0.1",
    dataDir: args.options.get("data") ?? "./.sluice",
    ...(store ? { store } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(writer ? { writer } : {}),
    ...(durability ? { durability } : {}),
    credentials,
    ...(process.env["PATH"] ? { path: process.env["PATH"] } : {}),
    logLevel: args.options.get("log-level") ?? process.env["SLUICE_LOG_LEVEL"] ?? (dev ? "warn" : "info"),
  });
  // Resources first, then the announcement: a client that waits for it finds them.
  const configPath = await applyConfig(s.platform, args.options.get("config"), process.cwd(), process.stdout);
  process.stdout.write(`Sluice is listening on ${s.url}\n`);
  const unwatch = dev && configPath ? await watchConfig(s.platform, configPath, process.stdout) : undefined;
  if (dev) {
    process.stdout.write(`  try: AWS_ENDPOINT_URL=${s.url} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 aws sqs list-queues\n`);
    process.stdout.write(`${await summary(s.platform)}\n`);
  }
  if (dev && args.flags.has("demo")) {
    await runDemo({ orders: 20_000, platform: s.platform }, process.stdout);
    process.stdout.write(`Still serving on ${s.url}; explore with any AWS SDK or CLI. Ctrl-C stops.\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      unwatch?.();
      process.stdout.write(`\n${signal}: shutting down\n`);
      void s.close().then(resolve);
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === "--version") {
    process.stdout.write("0.1.0\n");
    return 0;
  }
  const args = parseArgs(rest, BOOLEANS);
  if (args.flags.has("help")) {
    process.stdout.write(HELP);
    return 0;
  }
  switch (command) {
    case "start":
      return runServer(args, false);
    case "dev":
      return runServer(args, true);
    case "demo": {
      const ok = await runDemo({ orders: intOption(args, "orders", 20_000, 1, 10_000_000), dataDir: args.options.get("data") ?? "./.sluice" }, process.stdout);
      return ok ? 0 : 1;
    }
    case "queues":
      await listQueuesCommand(args, process.stdout);
      return 0;
    case "send":
      await sendCommand(args, process.stdout);
      return 0;
    case "receive":
      await receiveCommand(args, process.stdout);
      return 0;
    case "redrive":
      await redriveCommand(args, process.stdout);
      return 0;
    default:
      process.stderr.write(`sluice: unknown command '${command}'. Try 'sluice --help'.\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof UsageError;
    const code = (err as { code?: string }).code;
    process.stderr.write(`sluice: ${code && !usage ? `${code}: ` : ""}${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
