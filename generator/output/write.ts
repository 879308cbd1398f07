/**
 * The only module that touches the output folder, which amqp-gen owns only in part.
 *
 * A manifest (`.amqp-gen-manifest.json`) lists what amqp-gen wrote, path → SHA-256. A run
 * rewrites only files in the manifest, skips unchanged ones, removes the ones no longer produced,
 * never touches any other file, and refuses (unless forced) to overwrite a generated file that
 * was edited by hand, or a file of the user's that is in the way. New contents are first written
 * to temporary files in the folder and then renamed into place, with the manifest last: a failed
 * run leaves the previous output as it was. A new folder is built whole under a temporary name
 * beside it and renamed into place at once (StagedFolder).
 *
 * The file-system calls themselves are in folder-io.js, which a writer thread also runs.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { GeneratedFile } from "../pipeline/emit.js";
import { exists, HEADER, isGeneratedPlace, MANIFEST, readOrNull, sha256, snapshotFolder, writeInto, type WriteFailure } from "./folder-io.js";

export { HEADER, MANIFEST, sha256 } from "./folder-io.js";
export type { Manifest } from "./folder-io.js";

export interface FolderPlan {
  /** Produced, not on disk. */
  added: string[];
  /** Produced, on disk with other content; `line` is the first line that differs. */
  changed: { path: string; line: number }[];
  /** On disk and identical. */
  unchanged: string[];
  /** Written by amqp-gen before, no longer produced: removed by a write. */
  stale: string[];
  /**
   * Files a write would overwrite that are not amqp-gen's to overwrite: generated files edited by
   * hand since (their hash differs from the manifest), or the user's own files in the way.
   */
  conflicts: { path: string; reason: "edited" | "not-ours" }[];
  /** Whether the folder exists at all. */
  exists: boolean;
}

export function renderManifest(files: readonly GeneratedFile[]): string {
  const entries = [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => [f.path, sha256(f.content)] as const);
  return JSON.stringify({ generator: "amqp-gen", files: Object.fromEntries(entries) }, null, 2) + "\n";
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return i + 1;
  return 1;
}

/** A worker thread writing files into `root` (folder-io.js), and how it ended, if it did. */
class WriterThread {
  private readonly worker: Worker;
  /** Its answer to the final `null`; or, if it stopped before answering, why. */
  private readonly answer: Promise<WriteFailure | null>;

  constructor(root: string) {
    // Plain JavaScript, importing only Node: it needs none of the parent's flags or loaders (tsx).
    const worker = new Worker(new URL("./folder-io.js", import.meta.url), { workerData: { amqpGen: "write", root }, execArgv: [] });
    this.worker = worker;
    this.answer = new Promise((resolveAnswer) => {
      let error: Error | null = null;
      worker.on("error", (err: Error) => (error = err));
      worker.once("message", (failure: WriteFailure | null) => resolveAnswer(failure));
      // Listening from the start: a thread that died early is known at finish(), not waited for.
      worker.once("exit", () => resolveAnswer({ code: "EIO", message: `the writer thread stopped${error ? `: ${error.message}` : ""}`, path: "" }));
    });
  }

  send(file: GeneratedFile): void {
    this.worker.postMessage({ path: file.path, content: file.content });
  }

  /** Waits until every file sent is written: the first failure, or null. */
  finish(): Promise<WriteFailure | null> {
    this.worker.postMessage(null);
    return this.answer;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** What writing `files` into `outDir` would do. Reads only; writes nothing. */
export async function planFolder(outDir: string, files: readonly GeneratedFile[]): Promise<FolderPlan> {
  const wantedPaths = files.map((f) => f.path);
  const folder = snapshotFolder(outDir, wantedPaths);
  const plan: FolderPlan = { added: [], changed: [], unchanged: [], stale: [], conflicts: [], exists: folder.exists };
  if (!plan.exists) {
    plan.added = wantedPaths;
    return plan;
  }
  const { manifest, seen } = folder;
  const wanted = new Set(wantedPaths);
  // Without a manifest (a folder from before manifests), only the places amqp-gen writes to are
  // candidates: never a nested project, node_modules or another generator's output.
  const previous = manifest ? Object.keys(manifest.files) : folder.listed.filter(isGeneratedPlace);

  /** Whether amqp-gen may replace or remove what is at `path` now. */
  const ownership = (path: string, text: string): "yes" | "edited" | "not-ours" => {
    if (manifest) {
      const hash = manifest.files[path];
      if (hash === undefined) return "not-ours";
      return sha256(text) === hash ? "yes" : "edited";
    }
    return text.startsWith(HEADER) ? "yes" : "not-ours"; // before manifests: our header marks our files
  };

  for (const file of files) {
    const text = seen.get(file.path);
    if (text === undefined) {
      plan.added.push(file.path);
    } else if (text === file.content) {
      plan.unchanged.push(file.path);
    } else {
      plan.changed.push({ path: file.path, line: firstDifferentLine(text, file.content) });
      const verdict = ownership(file.path, text);
      if (verdict !== "yes") plan.conflicts.push({ path: file.path, reason: verdict });
    }
  }
  for (const path of previous.sort()) {
    if (wanted.has(path)) continue;
    const text = seen.get(path);
    if (text === undefined) continue;
    const verdict = ownership(path, text);
    if (verdict === "yes") plan.stale.push(path);
    else if (verdict === "edited") plan.conflicts.push({ path, reason: "edited" });
  }
  return plan;
}

/**
 * What a write removes: the stale files, and with `force` also the generated files edited by hand
 * whose endpoint is gone (otherwise they would stay behind, no longer in the manifest).
 */
export function removals(plan: FolderPlan, force: boolean): string[] {
  if (!force) return plan.stale;
  const changed = new Set(plan.changed.map((c) => c.path));
  const edited = plan.conflicts.filter((c) => c.reason === "edited" && !changed.has(c.path)).map((c) => c.path);
  return [...plan.stale, ...edited].sort();
}

export class ConflictError extends Error {
  constructor(readonly conflicts: FolderPlan["conflicts"]) {
    super("the output folder has files amqp-gen will not overwrite");
  }
}

/**
 * A new output folder, built whole under a temporary name beside it (`.name.amqp-gen-XXXXXX`)
 * and renamed into place in one step: a thousand files cost one rename, and a failed run leaves
 * no output folder at all. Files can be added while the rest are still being generated; with
 * `background`, a worker thread writes them, so the disk works while the templates render.
 */
export class StagedFolder {
  private readonly written = new Set<string>();
  private readonly folders = new Set<string>();
  private done = false;
  /** The removal discard() started, if it did. */
  private discarded: Promise<void> | null = null;
  /** The first failed write in the calling thread (the writer thread keeps its own). */
  private failure: WriteFailure | null = null;

  private constructor(
    readonly outDir: string,
    private readonly root: string,
    private readonly writer: WriterThread | null,
  ) {}

  /**
   * Starts building `outDir`; null when it exists already (it is then updated file by file). A
   * background build, started before the config is known to be valid, also needs the parent
   * folder to exist: a failed run must not leave even an empty folder behind.
   */
  static start(outDir: string, options: { background: boolean }): StagedFolder | null {
    if (exists(outDir)) return null;
    const parent = dirname(outDir);
    if (options.background && !exists(parent)) return null;
    mkdirSync(parent, { recursive: true });
    // A unique name: two runs (or a leftover of a killed one) never share it.
    const root = mkdtempSync(join(parent, `.${basename(outDir)}.amqp-gen-`));
    try {
      return new StagedFolder(outDir, root, options.background ? new WriterThread(root) : null);
    } catch (err) {
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
  }

  /** Writes a file into the folder (or has the writer thread do it). Never throws: commit() reports the first failure. */
  add(file: GeneratedFile): void {
    if (this.done || this.written.has(file.path)) return;
    this.written.add(file.path);
    if (this.writer) this.writer.send(file);
    else this.failure ??= writeInto(this.root, file, this.folders);
  }

  /**
   * Writes what was not added yet and the manifest, then renames the folder into place. Returns
   * false, having left nothing behind, when `outDir` appeared meanwhile. Throws (having left
   * nothing behind) a file-system error, naming the path it would have had in `outDir`.
   */
  async commit(files: readonly GeneratedFile[], manifestText: string): Promise<boolean> {
    try {
      for (const file of files) this.add(file);
      const failure = this.writer ? await this.writer.finish() : this.failure;
      if (failure) throw Object.assign(new Error(failure.message), { code: failure.code, path: join(this.outDir, failure.path) });
      writeFileSync(join(this.root, MANIFEST), manifestText, "utf8");
      if (exists(this.outDir)) {
        await this.discard();
        return false;
      }
      renameSync(this.root, this.outDir);
      this.done = true;
      return true;
    } catch (err) {
      await this.discard();
      throw this.inOutDir(err);
    }
  }

  /**
   * Stops the writer, then removes the temporary folder: in that order, so that no file the
   * writer is still writing lands in a folder being removed (Ctrl-C on a big config). Safe to
   * call more than once, and after commit(); every call waits for the same removal.
   */
  discard(): Promise<void> {
    if (this.done) return this.discarded ?? Promise.resolve();
    this.done = true; // add() writes nothing more
    this.discarded = (async () => {
      await this.writer?.stop();
      rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
    })();
    return this.discarded;
  }

  /** A file-system error names the temporary folder, gone by now: name the output folder instead. */
  private inOutDir(err: unknown): unknown {
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.path === "string" && e.path.startsWith(this.root)) e.path = this.outDir + e.path.slice(this.root.length);
    return err;
  }
}

export interface WriteOptions {
  /** Overwrite hand-edited generated files and the user's files in the way. */
  force?: boolean;
  /** The folder's plan, when the caller has just made it (planFolder). */
  plan?: FolderPlan;
  /** A new folder the caller started building while generating; committed or discarded here. */
  staged?: StagedFolder | null;
}

/**
 * Writes the files. Throws ConflictError (having written nothing) when the plan has conflicts
 * and `force` is not set.
 */
export async function writeFolder(outDir: string, files: readonly GeneratedFile[], options: WriteOptions = {}): Promise<FolderPlan> {
  try {
    return await writeFiles(outDir, files, options);
  } finally {
    await options.staged?.discard(); // a no-op once committed
  }
}

async function writeFiles(outDir: string, files: readonly GeneratedFile[], options: WriteOptions): Promise<FolderPlan> {
  const plan = options.plan ?? (await planFolder(outDir, files));
  if (plan.conflicts.length > 0 && !options.force) throw new ConflictError(plan.conflicts);
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  const targets = [...plan.added, ...plan.changed.map((c) => c.path)];
  const manifestText = renderManifest(files);
  const manifestChanged = readOrNull(join(outDir, MANIFEST)) !== manifestText;
  const removed = removals(plan, options.force === true);
  if (targets.length === 0 && removed.length === 0 && !manifestChanged) return plan;
  if (!plan.exists) {
    const staged = options.staged ?? StagedFolder.start(outDir, { background: false });
    if (staged && (await staged.commit(files, manifestText))) return plan;
    // The folder appeared meanwhile: plan again, against what is there now.
    return writeFiles(outDir, files, { ...(options.force ? { force: true } : {}) });
  }

  // 1. Every new content into a temporary file beside its target. Any failure: remove them all.
  const temps = new Map<string, string>();
  const suffix = `.amqp-gen-${process.pid}.tmp`;
  const removeTemps = () => {
    for (const temp of temps.values()) rmSync(temp, { force: true });
  };
  try {
    mkdirSync(outDir, { recursive: true });
    for (const dir of new Set(targets.map((path) => dirname(join(outDir, path))))) mkdirSync(dir, { recursive: true });
    for (const path of targets) {
      const temp = join(outDir, path) + suffix;
      temps.set(path, temp);
      writeFileSync(temp, byPath.get(path) ?? "", "utf8");
    }
    const manifestTemp = join(outDir, MANIFEST) + suffix;
    temps.set(MANIFEST, manifestTemp);
    writeFileSync(manifestTemp, manifestText, "utf8");
  } catch (err) {
    removeTemps();
    throw err;
  }
  // 2. Rename into place (atomic per file), the manifest last; then remove stale files.
  try {
    for (const path of targets) renameSync(temps.get(path) as string, join(outDir, path));
    renameSync(temps.get(MANIFEST) as string, join(outDir, MANIFEST));
  } catch (err) {
    removeTemps();
    throw err;
  }
  for (const path of removed) rmSync(join(outDir, path), { force: true });
  return plan;
}
