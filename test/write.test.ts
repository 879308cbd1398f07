// A new output folder is built whole under a temporary name beside it and renamed into place
// (StagedFolder), its files written by a worker thread while the rest are still generated.
// Whatever happens, the parent folder ends with the finished output folder or with nothing at
// all: no temporary folder, no half-written output. (test/cli.test.ts covers the folder that
// exists already, with its manifest and the user's files.)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate, type GeneratedFile } from "../generator/index.js";
import { MANIFEST, renderManifest, StagedFolder, writeFolder } from "../generator/output/write.js";
import { listCases, readTree } from "./helpers/golden.js";

const scratch = mkdtempSync(join(tmpdir(), "amqp-gen-write-test-"));
let counter = 0;
/** An empty parent folder, and the output folder's path in it (not created). */
function place(label: string): { parent: string; out: string } {
  const parent = join(scratch, `${String(++counter).padStart(2, "0")}-${label}`);
  mkdirSync(parent);
  return { parent, out: join(parent, "generated") };
}

const showcase = listCases().find((c) => c.name === "showcase");
if (!showcase) throw new Error("fixtures/showcase is missing");
const { files } = await generate(showcase.text);
const expected = new Map([...files.map((f) => [f.path, f.content] as const), [MANIFEST, renderManifest(files)]]);

for (const background of [true, false]) {
  const how = background ? "in a worker thread" : "in the calling thread";

  test(`a new folder, ${how}: files added one by one, then committed, give exactly the output and its manifest`, async () => {
    const { parent, out } = place(`commit-${background}`);
    const staged = StagedFolder.start(out, { background });
    assert.ok(staged);
    for (const file of files) staged.add(file);
    assert.not.ok(existsSync(out), "the output folder must not appear before commit()");
    assert.ok(await staged.commit(files, renderManifest(files)));
    assert.equal(readTree(out), expected);
    assert.equal(readdirSync(parent), ["generated"], "nothing else left beside it");
  });

  test(`a new folder, ${how}: files never added are written at commit`, async () => {
    const { out } = place(`late-${background}`);
    const staged = StagedFolder.start(out, { background });
    assert.ok(staged);
    for (const file of files.slice(0, 3)) staged.add(file);
    assert.ok(await staged.commit(files, renderManifest(files)));
    assert.equal(readTree(out), expected);
  });

  test(`a write that fails, ${how}: commit throws the file-system error with the file's place in the output folder, and leaves nothing`, async () => {
    const { parent, out } = place(`fail-${background}`);
    const staged = StagedFolder.start(out, { background });
    assert.ok(staged);
    // A file where a folder must go: the second write cannot happen.
    const clash: GeneratedFile[] = [
      { path: "routes", content: "a file\n" },
      { path: "routes/a.ts", content: "export {};\n" },
    ];
    for (const file of clash) staged.add(file);
    try {
      await staged.commit(clash, renderManifest(clash));
      assert.unreachable("commit() should have thrown");
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      assert.ok(e.code === "ENOTDIR" || e.code === "EEXIST", `code ${e.code}`);
      assert.is(e.path, join(out, "routes/a.ts"));
    }
    assert.equal(readdirSync(parent), [], "no output folder and no temporary folder");
  });

  test(`discard(), ${how}: nothing is left, and it is safe to call twice and after commit`, async () => {
    const { parent, out } = place(`discard-${background}`);
    const staged = StagedFolder.start(out, { background });
    assert.ok(staged);
    for (const file of files) staged.add(file);
    await staged.discard();
    await staged.discard();
    assert.equal(readdirSync(parent), []);
    const again = StagedFolder.start(out, { background });
    assert.ok(again);
    assert.ok(await again.commit(files, renderManifest(files)));
    await again.discard();
    assert.equal(readTree(out), expected, "discard() after commit() must not touch the output");
  });
}

test("a writer thread that died before commit(): commit() fails with the reason at once (no hang), and nothing is left", async () => {
  const { parent, out } = place("dead-writer");
  const staged = StagedFolder.start(out, { background: true });
  assert.ok(staged);
  for (const file of files.slice(0, 5)) staged.add(file);
  // Fault injection: the thread dies (as on a crash or out of memory) before the commit.
  await (staged as unknown as { writer: { stop(): Promise<void> } }).writer.stop();
  const settled = await Promise.race([
    staged.commit(files, renderManifest(files)).then(
      () => "committed",
      (err: NodeJS.ErrnoException) => `${err.code}: ${err.message}`,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve("hung"), 5_000)),
  ]);
  assert.match(settled, /^EIO: the writer thread stopped/);
  assert.equal(readdirSync(parent), []);
});

test("a rename that fails (a dangling symlink where the folder goes): the error names the output folder, not the temporary one", async () => {
  const { parent, out } = place("dangling");
  symlinkSync(join(parent, "nowhere"), out);
  const staged = StagedFolder.start(out, { background: false });
  assert.ok(staged, "a dangling link is not a folder that exists");
  try {
    await staged.commit(files, renderManifest(files));
    assert.unreachable("commit() should have thrown");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    assert.ok(typeof e.code === "string", String(err));
    assert.is(e.path, out);
  }
  assert.equal(readdirSync(parent), ["generated"], "only the user's link is left");
});

test("start(): null when the folder exists; a background build also needs its parent (a failed run must not leave one behind)", () => {
  const { parent, out } = place("start");
  assert.is(StagedFolder.start(parent, { background: true }), null);
  assert.is(StagedFolder.start(join(out, "deeper"), { background: true }), null);
  assert.not.ok(existsSync(out));
});

test("a folder that appears while it is being built: commit() returns false and removes its own; writeFolder then writes file by file, keeping the user's file", async () => {
  const { parent, out } = place("appears");
  const staged = StagedFolder.start(out, { background: true });
  assert.ok(staged);
  for (const file of files) staged.add(file);
  mkdirSync(out);
  writeFileSync(join(out, "notes.md"), "mine\n");
  const plan = await writeFolder(out, files, {
    staged,
    plan: { added: files.map((f) => f.path), changed: [], unchanged: [], stale: [], conflicts: [], exists: false },
  });
  assert.ok(plan.exists, "the plan returned is the one made against the folder as it is now");
  assert.equal(readTree(out), new Map([...expected, ["notes.md", "mine\n"]]));
  assert.equal(readdirSync(parent), ["generated"]);
});

test("writeFolder without a staged folder builds a new folder the same way, and a run over it changes nothing", async () => {
  const { parent, out } = place("plain");
  const first = await writeFolder(join(out, "nested"), files);
  assert.is(first.added.length, files.length);
  assert.equal(readTree(join(out, "nested")), expected);
  const second = await writeFolder(join(out, "nested"), files);
  assert.is(second.unchanged.length, files.length);
  assert.equal(readdirSync(parent), ["generated"]);
  assert.equal(readdirSync(out), ["nested"]);
});

test.run();
