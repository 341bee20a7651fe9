import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, collecting its output; never throws on a non-zero exit. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeout?: number }): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { ...options, maxBuffer: 16 << 20, timeout: options.timeout ?? 240_000 }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * A project beside an empty `shared/qdrant`, holding the real `run`, provisioning and jar-fetch
 * scripts and the real Kafka pom, with a package of its own: no dependencies, an install script
 * that records the environment npm installs with, and `start`/`test` scripts that print what
 * they were given.
 */
function makeProject(base: string): string {
  const project = join(base, 'project');
  for (const file of ['run', 'scripts/provision.sh', 'infra/kafka/fetch.sh', 'infra/kafka/pom.xml']) {
    mkdirSync(dirname(join(project, file)), { recursive: true });
    copyFileSync(join(root, file), join(project, file));
    chmodSync(join(project, file), 0o755);
  }
  writePackage(project, '1.0.0');
  // The real TensorFlow installer runs when the suite is provisioned, and the tensorflow backend's
  // tests check what it installed; this stand-in installs a marker file, or fails when
  // STUB_TENSORFLOW_FAILS is set.
  mkdirSync(join(project, 'infra/tensorflow'), { recursive: true });
  writeFileSync(
    join(project, 'infra/tensorflow/install.sh'),
    '#!/bin/sh\nmarker="$(dirname "$0")/installed"\nif [ "$1" = --check ]; then test -f "$marker"; exit; fi\n[ -z "$STUB_TENSORFLOW_FAILS" ] || { echo "pip: no route to PyPI" >&2; exit 1; }\ntouch "$marker"\n',
    { mode: 0o755 },
  );
  writeFileSync(
    join(project, 'probe.js'),
    "console.log(`probe ${process.env.npm_lifecycle_event} QDRANT_BIN=${process.env.QDRANT_BIN} args=${process.argv.slice(2).join(' ')}`);\n",
  );
  const qdrant = join(base, 'shared/qdrant/qdrant');
  mkdirSync(dirname(qdrant), { recursive: true });
  writeFileSync(qdrant, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return project;
}

function writePackage(project: string, version: string): void {
  const name = 'provision-probe';
  const pkg = {
    name,
    version,
    private: true,
    scripts: {
      postinstall: "node -e \"require('fs').writeFileSync('installed-with.txt', String(process.env.ONNXRUNTIME_NODE_INSTALL))\"",
      start: 'node probe.js',
      test: 'node probe.js',
    },
  };
  const lock = { name, version, lockfileVersion: 3, requires: true, packages: { '': { name, version, hasInstallScript: true } } };
  writeFileSync(join(project, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
}

/** The runtime artifacts of the Kafka pom, as files in the given local Maven repository. */
async function kafkaArtifacts(project: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const out = join(project, 'artifacts.txt');
  const list = await run(
    'mvn',
    ['-o', '-q', '-B', '-f', join(project, 'infra/kafka/pom.xml'), 'dependency:list', '-DincludeScope=runtime', `-DoutputFile=${out}`, '-DoutputAbsoluteArtifactFilename=true'],
    { cwd: project, env },
  );
  expect(list.code, list.stdout + list.stderr).toBe(0);
  return readFileSync(out, 'utf8')
    .split('\n')
    .map((line) => /:(\/\S+\.jar)\s*$/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
}

/** Problems with a jar cache: a jar missing, one too many, or one that differs from Maven's. */
function jarSetProblems(libs: string, artifacts: string[]): string[] {
  const problems: string[] = [];
  const present = new Set(readdirSync(libs).filter((f) => f.endsWith('.jar')));
  for (const artifact of artifacts) {
    const name = basename(artifact);
    if (!present.delete(name)) problems.push(`missing ${name}`);
    else if (!readFileSync(join(libs, name)).equals(readFileSync(artifact))) problems.push(`${name} differs from ${artifact}`);
  }
  for (const extra of present) problems.push(`unexpected ${extra}`);
  return problems;
}

/** A bin folder with every command of the machine's PATH except the named ones. */
function pathWithout(dir: string, hidden: string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const folder of (process.env.PATH ?? '').split(':').filter((f) => f && existsSync(f))) {
    for (const name of readdirSync(folder)) {
      if (hidden.includes(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(folder, name), join(dir, name));
    }
  }
  return dir;
}

const lines = (run: Run) => run.stdout.split('\n');

describe('./run and scripts/provision.sh in a clean prefix', () => {
  let base: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let artifacts: string[];

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'discern-provision-'));
    chmodSync(base, 0o755);
    project = makeProject(base);
    mkdirSync(join(base, 'home'));
    // An empty home, local Maven repository and jar cache: everything is fetched for real.
    env = { ...process.env, HOME: join(base, 'home'), MAVEN_OPTS: `-Dmaven.repo.local=${join(base, 'm2')}` };
    delete env.QDRANT_BIN;
    delete env.KAFKA_DIST_DIR;
    delete env.FASHION_MNIST_DIR;
    delete env.npm_config_cache;
  });

  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('./run test installs the npm packages, fetches the Kafka jars from Maven Central, then runs npm test with QDRANT_BIN and the options', async () => {
    const first = await run('./run', ['test', '--reporter=dot'], { cwd: project, env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const out = lines(first);
    expect(out).toContain('provision: npm packages: installing (npm ci, about a minute)');
    expect(out).toContain('provision: npm packages: installed');
    expect(readFileSync(join(project, 'installed-with.txt'), 'utf8')).toBe('skip');
    for (const thing of ['Fashion-MNIST (/usr/share/datasets/fashion-mnist)', 'JDK ≥ 17 (java)', 'Maven (mvn)', 'Chromium (chromium)']) {
      expect(out.filter((l) => new RegExp(`^provision: ${thing.replace(/[()]/g, '\\$&')}: (present|installed)$`).test(l))).toHaveLength(1);
    }
    expect(out).toContain('provision: Kafka broker jars: fetching from Maven Central into infra/kafka/.dist (about 50 MB)');
    expect(out).toContain('provision: Kafka broker jars: fetched');
    const qdrant = join(base, 'shared/qdrant/qdrant');
    expect(out).toContain(`provision: Qdrant: ${qdrant} (exported as QDRANT_BIN)`);
    expect(out).toContain('provision: TensorFlow for training: installing @tensorflow/tfjs-node with TensorFlow from PyPI (about a minute)');
    expect(out).toContain('provision: TensorFlow for training: installed');
    expect(out).toContain("provision: ready for 'test'");
    expect(out).toContain(`probe test QDRANT_BIN=${qdrant} args=--reporter=dot`);

    const libs = join(project, 'infra/kafka/.dist/libs');
    expect(lstatSync(libs).isSymbolicLink()).toBe(true);
    artifacts = await kafkaArtifacts(project, env);
    expect(artifacts.map((a) => basename(a))).toContain('kafka_2.13-3.9.1.jar');
    expect(jarSetProblems(libs, artifacts)).toEqual([]);
  }, 300_000);

  it('a second run only checks, and a changed package-lock.json installs again', async () => {
    const libs = join(project, 'infra/kafka/.dist/libs');
    const jarSet = readlinkSync(libs);
    const second = await run('./run', ['test'], { cwd: project, env });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const out = lines(second).filter((l) => l.startsWith('provision: '));
    expect(out).toContain('provision: npm packages: present (package-lock.json unchanged)');
    expect(out).toContain('provision: Kafka broker jars: present (infra/kafka/.dist)');
    expect(out).toContain('provision: TensorFlow for training: present (@tensorflow/tfjs-node)');
    expect(out.filter((l) => /installing|fetching|installed$|fetched$/.test(l))).toEqual([]);
    expect(readlinkSync(libs)).toBe(jarSet);

    writePackage(project, '1.0.1');
    rmSync(join(project, 'installed-with.txt'));
    const start = await run('./run', ['start', '--seed', 'fashion-mnist'], { cwd: project, env });
    expect(start.code, start.stdout + start.stderr).toBe(0);
    expect(lines(start)).toEqual(
      expect.arrayContaining(['provision: npm packages: installing (npm ci, about a minute)', "provision: ready for 'start'"]),
    );
    expect(lines(start).some((l) => l.startsWith('provision: Kafka') || l.startsWith('provision: Chromium'))).toBe(false);
    expect(readFileSync(join(project, 'installed-with.txt'), 'utf8')).toBe('skip');
    expect(start.stdout).toContain('probe start QDRANT_BIN=undefined args=--seed fashion-mnist');
  }, 120_000);

  it('a TensorFlow that cannot be installed leaves training on wasm: a problem for the tests, not for start', async () => {
    const marker = join(project, 'infra/tensorflow/installed');
    rmSync(marker, { force: true });
    const failing = { ...env, STUB_TENSORFLOW_FAILS: '1' };
    const start = await run('./run', ['start'], { cwd: project, env: failing });
    expect(start.code, start.stdout + start.stderr).toBe(0);
    expect(lines(start)).toContain('provision: TensorFlow for training: could not be installed; training uses the wasm backend');
    const test = await run('./run', ['test'], { cwd: project, env: failing });
    expect(test.code).toBe(1);
    expect(test.stdout).toContain('pip: no route to PyPI');
    expect(test.stderr).toContain('  - TensorFlow for training: infra/tensorflow/install.sh failed');
    const skipped = await run('./run', ['test'], { cwd: project, env: { ...failing, PROVISION_TENSORFLOW: '0' } });
    expect(skipped.code, skipped.stdout + skipped.stderr).toBe(0);
    expect(lines(skipped)).toContain('provision: TensorFlow for training: skipped (PROVISION_TENSORFLOW=0); training uses the wasm backend');
    expect(existsSync(marker)).toBe(false);
    const again = await run('./run', ['setup'], { cwd: project, env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  }, 120_000);

  it('two fetches started at once on an empty jar cache both succeed: one fetches, the other waits for it', async () => {
    const cache = join(base, 'jar-cache');
    const fetchEnv = { ...env, KAFKA_DIST_DIR: cache };
    const fetch = join(project, 'infra/kafka/fetch.sh');
    const both = await Promise.all([run(fetch, [], { cwd: project, env: fetchEnv }), run(fetch, [], { cwd: project, env: fetchEnv })]);
    for (const one of both) expect(one.code, one.stderr).toBe(0);
    expect(both.filter((one) => one.stderr.includes('fetch.sh: fetching the Kafka broker jars')).length).toBe(1);
    expect(jarSetProblems(join(cache, 'libs'), artifacts)).toEqual([]);
  }, 120_000);

  it('a forced refetch switches the jar set in at once: a reader never sees a partial set', async () => {
    const cache = join(base, 'jar-cache');
    const libs = join(cache, 'libs');
    const names = artifacts.map((a) => basename(a)).sort();
    const before = readlinkSync(libs);
    const refetch = spawn(join(project, 'infra/kafka/fetch.sh'), ['--force'], { cwd: project, env: { ...env, KAFKA_DIST_DIR: cache }, stdio: 'ignore' });
    const exited = new Promise<number>((done) => refetch.on('exit', (code) => done(code ?? 1)));
    let running = true;
    void exited.then(() => (running = false));
    const seen: string[] = [];
    let reads = 0;
    while (running) {
      const listed = readdirSync(libs).filter((f) => f.endsWith('.jar')).sort();
      reads += 1;
      if (listed.join() !== names.join()) seen.push(`${listed.length} jars`);
      await new Promise((wait) => setTimeout(wait, 10));
    }
    expect(await exited).toBe(0);
    expect(reads).toBeGreaterThan(10);
    expect(seen).toEqual([]);
    expect(readlinkSync(libs)).not.toBe(before);
    expect(jarSetProblems(libs, artifacts)).toEqual([]);
  }, 120_000);

  it('off Debian/Ubuntu, lists what is missing once with what to install, and runs nothing', async () => {
    const bin = pathWithout(join(base, 'bin-elsewhere'), ['apt-get', 'java', 'mvn', 'chromium', 'qdrant', 'sudo']);
    const elsewhere = { ...env, PATH: bin, FASHION_MNIST_DIR: join(base, 'no-dataset'), KAFKA_DIST_DIR: join(base, 'empty-cache') };
    const result = await run('./run', ['test'], { cwd: project, env: elsewhere });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('probe test');
    expect(lines(result)).toEqual(
      expect.arrayContaining([
        'provision: JDK ≥ 17 (java): missing (not a Debian/Ubuntu system)',
        'provision: Chromium (chromium): missing (not a Debian/Ubuntu system)',
        'provision: Kafka broker jars: not fetched (needs Maven)',
      ]),
    );
    const summary = result.stderr.split('\n');
    expect(summary[0]).toBe('provision: could not provision 2 thing(s); fix them and run this again:');
    expect(summary.filter((l) => l.startsWith('  - '))).toEqual([
      `  - Fashion-MNIST (${join(base, 'no-dataset')}), JDK ≥ 17 (java), Maven (mvn), Chromium (chromium): this is not Debian/Ubuntu (no apt-get); ` +
        "install with your system's package manager: the Fashion-MNIST IDX files in a folder named by FASHION_MNIST_DIR; " +
        'a JDK 17 or newer (java on PATH); Apache Maven (mvn on PATH); Chromium (chromium on PATH)',
      '  - Kafka broker jars: need Maven (see above); then run: infra/kafka/fetch.sh',
    ]);
  }, 60_000);

  it('on Debian/Ubuntu without root or sudo, names the apt-get command to run as root', async () => {
    const bin = pathWithout(join(base, 'bin-no-sudo'), ['java', 'mvn', 'chromium', 'qdrant', 'sudo']);
    const user = { ...env, PATH: bin, HOME: join(base, 'home'), KAFKA_DIST_DIR: join(base, 'empty-cache') };
    chmodSync(join(base, 'home'), 0o777);
    // As root, drop to nobody; anyone else is already a user without sudo on this PATH.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', './run'] : ['./run'];
    const result = await run(asUser[0], [...asUser.slice(1), 'setup'], { cwd: project, env: user });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(lines(result)).toContain('provision: Maven (mvn): missing (installing needs root or sudo)');
    expect(result.stderr.split('\n').filter((l) => l.startsWith('  - '))).toEqual([
      '  - JDK ≥ 17 (java), Maven (mvn), Chromium (chromium): not root and no sudo; as root run: apt-get update && apt-get install -y default-jdk-headless maven chromium',
      '  - Kafka broker jars: need Maven (see above); then run: infra/kafka/fetch.sh',
    ]);
  }, 60_000);
});
