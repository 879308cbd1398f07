/**
 * Extra RabbitMQ nodes on this machine, each on its own ports, node name and data folder,
 * joined to the machine's running node to form a real cluster, and taken out again afterwards
 * so that the machine's broker is left as it was found.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const MAIN_NODE = "rabbit@localhost";

export interface ExtraNode {
  name: string;
  amqpPort: number;
  url: string;
  dir: string;
}

function ctl(args: string[], timeout = 120_000): string {
  return execFileSync("rabbitmqctl", ["-q", ...args], { encoding: "utf8", timeout, stdio: ["ignore", "pipe", "pipe"] });
}

function quietly(args: string[], timeout?: number): boolean {
  try {
    ctl(args, timeout);
    return true;
  } catch {
    return false;
  }
}

export function extraNode(index: number): ExtraNode {
  const amqpPort = 5672 + index;
  return {
    name: `amqpgen${index}@localhost`,
    amqpPort,
    url: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    dir: `/tmp/amqpgen-node-${index}`,
  };
}

function uid(user: string): number {
  return Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
}

/** Starts the node and joins it to the main node's cluster. */
export function startAndJoin(node: ExtraNode): void {
  removeNode(node); // a previous run that died may have left it behind
  mkdirSync(join(node.dir, "mnesia"), { recursive: true });
  mkdirSync(join(node.dir, "log"), { recursive: true });
  writeFileSync(join(node.dir, "rabbitmq.conf"), `listeners.tcp.local = 127.0.0.1:${node.amqpPort}\n`);
  writeFileSync(join(node.dir, "enabled_plugins"), "[].\n");
  const owner = uid("rabbitmq");
  for (const path of [node.dir, join(node.dir, "mnesia"), join(node.dir, "log"), join(node.dir, "rabbitmq.conf"), join(node.dir, "enabled_plugins")]) {
    chownSync(path, owner, owner);
  }
  execFileSync("rabbitmq-server", ["-detached"], {
    cwd: "/tmp",
    stdio: "ignore",
    env: {
      ...process.env,
      RABBITMQ_NODENAME: node.name,
      RABBITMQ_NODE_PORT: String(node.amqpPort),
      RABBITMQ_DIST_PORT: String(node.amqpPort + 20000),
      RABBITMQ_CONFIG_FILE: join(node.dir, "rabbitmq.conf"),
      RABBITMQ_MNESIA_BASE: join(node.dir, "mnesia"),
      RABBITMQ_LOG_BASE: join(node.dir, "log"),
      RABBITMQ_PID_FILE: join(node.dir, "pid"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(node.dir, "enabled_plugins"),
    },
  });
  // `-detached` returns at once; the node registers with epmd a moment later.
  const until = Date.now() + 90_000;
  while (!quietly(["-n", node.name, "ping"], 15_000)) {
    if (Date.now() > until) throw new Error(`node ${node.name} did not start (see ${node.dir}/log)`);
    execFileSync("sleep", ["0.5"]);
  }
  ctl(["-n", node.name, "await_startup", "--timeout", "90"]);
  ctl(["-n", node.name, "stop_app"]);
  ctl(["-n", node.name, "join_cluster", MAIN_NODE]);
  ctl(["-n", node.name, "start_app"]);
}

/** Stops the node's broker application without blocking the event loop (the load goes on meanwhile). */
export async function stopApp(node: ExtraNode): Promise<void> {
  await promisify(execFile)("rabbitmqctl", ["-q", "-n", node.name, "stop_app"], { timeout: 120_000 });
}

/** Takes the node out of the cluster and stops it; the main node forgets it if it cannot leave by itself. */
export function removeNode(node: ExtraNode): void {
  const running = quietly(["-n", node.name, "ping"], 15_000);
  if (running) {
    quietly(["-n", node.name, "stop_app"]);
    quietly(["-n", node.name, "reset"]);
    quietly(["-n", node.name, "stop"]);
  }
  const members = (() => {
    try {
      return ctl(["cluster_status", "--formatter", "json"], 30_000);
    } catch {
      return "";
    }
  })();
  if (members.includes(node.name)) quietly(["forget_cluster_node", node.name]);
  if (existsSync(node.dir)) rmSync(node.dir, { recursive: true, force: true });
}

export function clusterNodes(): string[] {
  const json = JSON.parse(ctl(["cluster_status", "--formatter", "json"], 30_000)) as { disk_nodes?: string[]; running_nodes?: string[] };
  return [...new Set([...(json.disk_nodes ?? []), ...(json.running_nodes ?? [])])].sort();
}
