/**
 * Extra RabbitMQ nodes on this machine, each on its own ports, node name and data folder,
 * joined to the machine's running node to form a real cluster, and taken out again afterwards
 * so that the machine's broker is left as it was found.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
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

/** rabbitmqctl without blocking the event loop: the nodes' steps run side by side. */
async function ctlAsync(args: string[], timeout = 120_000): Promise<string> {
  const { stdout } = await promisify(execFile)("rabbitmqctl", ["-q", ...args], { encoding: "utf8", timeout });
  return stdout;
}

async function quietly(args: string[], timeout?: number): Promise<boolean> {
  try {
    await ctlAsync(args, timeout);
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

/**
 * Starts the node on its own, outside any cluster: the machine's broker is not touched, so this
 * may run while other files use (or restart) it. A node left running by a run that died is
 * stopped first.
 */
export async function startNode(node: ExtraNode): Promise<void> {
  await stopNode(node);
  mkdirSync(join(node.dir, "mnesia"), { recursive: true });
  mkdirSync(join(node.dir, "log"), { recursive: true });
  writeFileSync(join(node.dir, "rabbitmq.conf"), `listeners.tcp.local = 127.0.0.1:${node.amqpPort}\n`);
  writeFileSync(join(node.dir, "enabled_plugins"), "[].\n");
  const owner = uid("rabbitmq");
  for (const path of [node.dir, join(node.dir, "mnesia"), join(node.dir, "log"), join(node.dir, "rabbitmq.conf"), join(node.dir, "enabled_plugins")]) {
    chownSync(path, owner, owner);
  }
  const pidFile = join(node.dir, "pid");
  // stdio "ignore": the detached node must not hold a pipe of ours open.
  const server = spawn("rabbitmq-server", ["-detached"], {
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
      RABBITMQ_PID_FILE: pidFile,
      RABBITMQ_ENABLED_PLUGINS_FILE: join(node.dir, "enabled_plugins"),
    },
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    server.once("error", reject);
    server.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`rabbitmq-server -detached exited ${code} for ${node.name}`);
  // `-detached` returns at once; `wait` follows the pid file until the node has booted (one
  // rabbitmqctl, rather than a poll that starts an Erlang VM every half second).
  try {
    await ctlAsync(["-n", node.name, "wait", pidFile, "--timeout", "90"], 100_000);
  } catch (err) {
    throw new Error(`node ${node.name} did not start (see ${node.dir}/log): ${(err as Error).message}`);
  }
}

/** Joins a started node to the machine's broker: this changes the machine's broker (its cluster). */
export async function joinCluster(node: ExtraNode): Promise<void> {
  await ctlAsync(["-n", node.name, "stop_app"]);
  await ctlAsync(["-n", node.name, "join_cluster", MAIN_NODE]);
  await ctlAsync(["-n", node.name, "start_app"]);
}

/** Stops the node's broker application without blocking the event loop (the load goes on meanwhile). */
export async function stopApp(node: ExtraNode): Promise<void> {
  await ctlAsync(["-n", node.name, "stop_app"]);
}

/** Resets and stops the node if it runs (it leaves the cluster as it resets), and removes its folder. */
async function stopNode(node: ExtraNode): Promise<void> {
  if (await quietly(["-n", node.name, "ping"], 15_000)) {
    await quietly(["-n", node.name, "stop_app"]);
    await quietly(["-n", node.name, "reset"]);
    await quietly(["-n", node.name, "stop"]);
  }
  if (existsSync(node.dir)) rmSync(node.dir, { recursive: true, force: true });
}

/**
 * Takes the nodes out of the cluster and stops them; the machine's broker forgets any it still
 * lists (a node that could not leave by itself). Returns the cluster's members afterwards.
 */
export async function removeNodes(nodes: readonly ExtraNode[]): Promise<string[]> {
  await Promise.all(nodes.map((node) => stopNode(node)));
  return forgetNodes(nodes);
}

/**
 * The machine's broker forgets those of the nodes it still lists as members (left by a run that
 * died, or unable to leave): one `cluster_status` for all of them, since each rabbitmqctl starts
 * an Erlang VM. Returns the cluster's members afterwards.
 */
export async function forgetNodes(nodes: readonly ExtraNode[]): Promise<string[]> {
  const members = clusterNodes();
  const listed = nodes.filter((node) => members.includes(node.name));
  for (const node of listed) await quietly(["forget_cluster_node", node.name]);
  return listed.length === 0 ? members : clusterNodes();
}

export function clusterNodes(): string[] {
  const json = JSON.parse(ctl(["cluster_status", "--formatter", "json"], 30_000)) as { disk_nodes?: string[]; running_nodes?: string[] };
  return [...new Set([...(json.disk_nodes ?? []), ...(json.running_nodes ?? [])])].sort();
}
