import { describe, it, expect, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { SETTINGS } from '../src/config/settings';
import { loadConfig } from '../src/config/load-config';
import type { TrainerStatus } from '../src/trainer/online-trainer';
import { runtimeImports } from '../test/support/import-graph';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
const settingNames = new Set<string>(SETTINGS.map((s) => s.name));

// ---------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  /** Base image with ARG defaults substituted, or the name of an earlier stage. */
  base: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into global ARG defaults and stages (line continuations joined). */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!m) throw new Error(`unparseable FROM: ${line}`);
      const base = m[1].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => args[a ?? b] ?? '');
      stages.push({ name: m[2] ?? String(stages.length), base, instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [name, value = ''] = rest.split('=');
      args[name] = value;
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ op: upper, args: rest });
    }
  }
  return { args, stages };
}

/** The image a stage finally builds on, following `FROM <earlier stage>` links. */
function rootImage(stages: Stage[], name: string): string {
  const stage = stages.find((s) => s.name === name);
  if (!stage) return name;
  return stages.some((s) => s.name === stage.base) ? rootImage(stages, stage.base) : stage.base;
}

/** ENV names and values set in a stage and the stages it builds on. */
function stageEnv(stages: Stage[], name: string): Record<string, string> {
  const stage = stages.find((s) => s.name === name);
  if (!stage) return {};
  const env = stages.some((s) => s.name === stage.base) ? stageEnv(stages, stage.base) : {};
  for (const ins of stage.instructions.filter((i) => i.op === 'ENV')) {
    for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '');
  }
  return env;
}

function lastOf(stage: Stage, op: string): string | undefined {
  return stage.instructions.filter((i) => i.op === op).at(-1)?.args;
}

function jsonArray(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Problems with a Dockerfile's stages, users, entrypoint and build inputs. */
function checkDockerfile(text: string, dockerignore: string): string[] {
  const { stages } = parseDockerfile(text);
  const problems: string[] = [];
  const byName = new Map(stages.map((s) => [s.name, s]));
  for (const name of ['deps', 'runtime', 'trainer-gpu', 'edge']) {
    if (!byName.has(name)) problems.push(`Dockerfile: stage '${name}' is missing`);
  }
  if (stages.at(-1)?.name !== 'runtime') problems.push(`Dockerfile: the last (default) stage must be 'runtime', got '${stages.at(-1)?.name}'`);
  for (const name of ['deps', 'runtime', 'edge']) {
    if (byName.has(name) && rootImage(stages, name) !== 'node:20-bookworm-slim') {
      problems.push(`Dockerfile: stage '${name}' builds on ${rootImage(stages, name)}, expected node:20-bookworm-slim`);
    }
  }
  if (byName.has('trainer-gpu') && !/^nvidia\/cuda:11\.2(\.\d+)?-cudnn8-runtime-/.test(rootImage(stages, 'trainer-gpu'))) {
    problems.push(`Dockerfile: trainer-gpu builds on ${rootImage(stages, 'trainer-gpu')}, expected an nvidia/cuda 11.2 cuDNN 8 runtime image`);
  }
  if (byName.has('deps') && stageEnv(stages, 'deps').ONNXRUNTIME_NODE_INSTALL !== 'skip') {
    problems.push('Dockerfile: stage deps must set ONNXRUNTIME_NODE_INSTALL=skip');
  }
  for (const name of ['runtime', 'trainer-gpu']) {
    const stage = byName.get(name);
    if (!stage) continue;
    const entrypoint = jsonArray(lastOf(stage, 'ENTRYPOINT'));
    if (JSON.stringify(entrypoint) !== JSON.stringify(['node', 'bin/discern.js'])) {
      problems.push(`Dockerfile: ${name} ENTRYPOINT must be ["node", "bin/discern.js"], got ${lastOf(stage, 'ENTRYPOINT')}`);
    }
    const env = stageEnv(stages, name);
    if (env.DISCERN_DATA_DIR !== '/data') problems.push(`Dockerfile: ${name} must set DISCERN_DATA_DIR=/data`);
    if (!/["\s]\/data["\s\]]/.test(` ${lastOf(stage, 'VOLUME') ?? ''} `)) problems.push(`Dockerfile: ${name} must declare VOLUME /data`);
    for (const key of Object.keys(env)) {
      if (!settingNames.has(key) && !['NODE_ENV', 'ONNXRUNTIME_NODE_INSTALL', 'DEBIAN_FRONTEND'].includes(key)) {
        problems.push(`Dockerfile: ${name} sets ENV ${key}, which is not a setting in src/config/settings.ts`);
      }
    }
  }
  const runtimeCmd = byName.get('runtime') && jsonArray(lastOf(byName.get('runtime')!, 'CMD'));
  if (JSON.stringify(runtimeCmd) !== JSON.stringify(['api'])) problems.push(`Dockerfile: runtime CMD must be ["api"], got ${JSON.stringify(runtimeCmd)}`);
  for (const name of ['runtime', 'trainer-gpu', 'edge']) {
    const stage = byName.get(name);
    if (!stage) continue;
    const user = lastOf(stage, 'USER');
    if (!user || user === 'root' || user === '0') problems.push(`Dockerfile: ${name} must run as a non-root USER, got ${user ?? 'none'}`);
    const probe = name === 'trainer-gpu' ? /trainer-status\.json/ : /\/healthz/;
    if (!probe.test(lastOf(stage, 'HEALTHCHECK') ?? '')) problems.push(`Dockerfile: ${name} needs a HEALTHCHECK on ${name === 'trainer-gpu' ? 'trainer-status.json' : '/healthz'}`);
  }
  // Every build input copied from the context exists and is not excluded by .dockerignore.
  const ignored = dockerignore
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const stage of stages) {
    for (const ins of stage.instructions.filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))) {
      const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        if (!existsSync(join(root, source))) problems.push(`Dockerfile: ${stage.name} copies ${source}, which does not exist`);
        if (ignored.includes(source) || ignored.includes(source.replace(/\/$/, ''))) problems.push(`Dockerfile: ${stage.name} copies ${source}, which .dockerignore excludes`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  profiles?: string[];
  container_name?: string;
  ports?: (string | { target: number; published?: string | number })[];
  volumes?: string[];
  networks?: Record<string, { aliases?: string[] } | null> | string[];
  deploy?: { replicas?: number; resources?: { reservations?: { devices?: { driver?: string; count?: number | string; capabilities?: string[] }[] } } };
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Compose interpolation as `docker compose` does it with nothing set in the shell. */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{(\w+)(?::?-([^}]*))?\}/g, (whole, _name: string, fallback?: string) => (whole === '$$' ? '$' : (fallback ?? '')));
}

function serviceEnv(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  const raw = service.environment ?? {};
  const entries = Array.isArray(raw) ? raw.map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]) : Object.entries(raw);
  for (const [key, value] of entries) env[key] = interpolate(value === null || value === undefined ? '' : String(value));
  return env;
}

/** Names a service answers to on its networks besides its own. */
function networkAliases(service: ComposeService): string[] {
  const networks = service.networks;
  if (!networks || Array.isArray(networks)) return [];
  return Object.values(networks).flatMap((n) => n?.aliases ?? []);
}

function commandOf(service: ComposeService): string[] {
  return Array.isArray(service.command) ? service.command.map(String) : (service.command ?? '').split(/\s+/).filter(Boolean);
}

function parseCompose(text: string): Compose {
  return parseYaml(text, { merge: true }) as Compose;
}

/** Problems with the services, their wiring and their environment. */
function checkCompose(compose: Compose, dockerfileText: string): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  const stages = new Set(parseDockerfile(dockerfileText).stages.map((s) => s.name));
  for (const name of ['kafka', 'qdrant', 'api', 'trainer']) {
    if (!services[name]) problems.push(`compose: service '${name}' is missing`);
  }
  for (const [name, service] of Object.entries(services)) {
    const test = service.healthcheck?.test;
    if (!test || service.healthcheck?.disable || (Array.isArray(test) && test[0] === 'NONE')) problems.push(`compose: ${name} has no healthcheck`);
    // A lone `$` would be interpolated by compose before the shell ever sees it.
    for (const part of Array.isArray(test) ? test : [test ?? '']) {
      if (/\$(?![${])/.test(String(part).replace(/\$\$/g, ''))) problems.push(`compose: ${name} healthcheck has an unescaped '$' (write '$$'): ${part}`);
    }
    if (service.build?.target && !stages.has(service.build.target)) problems.push(`compose: ${name} builds target '${service.build.target}', which the Dockerfile lacks`);
    if (service.build && service.build.dockerfile && !existsSync(resolve(root, 'infra', service.build.context ?? '.', service.build.dockerfile))) {
      problems.push(`compose: ${name} builds ${service.build.dockerfile}, which does not exist relative to its context`);
    }
  }

  const kafka = services.kafka;
  if (kafka) {
    if (!/^apache\/kafka:3\.9\.\d+$/.test(kafka.image ?? '')) problems.push(`compose: kafka image must be apache/kafka:3.9.x, got ${kafka.image}`);
    const env = serviceEnv(kafka);
    if (!/\bbroker\b/.test(env.KAFKA_PROCESS_ROLES ?? '') || !/\bcontroller\b/.test(env.KAFKA_PROCESS_ROLES ?? '')) problems.push('compose: kafka must run KRaft broker,controller in one node');
    if (env.KAFKA_AUTO_CREATE_TOPICS_ENABLE !== 'false') problems.push('compose: kafka must set KAFKA_AUTO_CREATE_TOPICS_ENABLE=false (the service creates its topics)');
  }
  const qdrant = services.qdrant;
  if (qdrant) {
    if (!/^qdrant\/qdrant(:|$)/.test(qdrant.image ?? '')) problems.push(`compose: qdrant image must be qdrant/qdrant, got ${qdrant.image}`);
    const published = (qdrant.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.published}:${p.target}`));
    for (const port of ['6333', '6334']) if (!published.some((p) => p.endsWith(`:${port}`))) problems.push(`compose: qdrant must publish port ${port}`);
    if (!(qdrant.volumes ?? []).some((v) => v.endsWith(':/qdrant/storage'))) problems.push('compose: qdrant storage must be on a volume');
  }
  if (services.api?.container_name) problems.push('compose: api must not set container_name (replicas)');

  for (const name of ['api', 'trainer', 'trainer-gpu', 'reembed']) {
    const service = services[name];
    if (!service) continue;
    const env = serviceEnv(service);
    for (const key of Object.keys(env)) {
      if (!settingNames.has(key)) problems.push(`compose: ${name} sets ${key}, which is not a setting in src/config/settings.ts`);
    }
    try {
      const config = loadConfig(env);
      if (config.queue.kind !== 'kafka') problems.push(`compose: ${name} must use DISCERN_QUEUE=kafka`);
      if (config.vectorStore.kind !== 'qdrant') problems.push(`compose: ${name} must use DISCERN_VECTOR_STORE=qdrant`);
      if (config.dataDir !== '/data') problems.push(`compose: ${name} must use DISCERN_DATA_DIR=/data`);
      // Brokers and Qdrant named in the environment are services of this file, on ports they listen on.
      const kafkaEnv = kafka ? serviceEnv(kafka) : {};
      for (const broker of config.queue.kafka.brokers) {
        if (!(kafkaEnv.KAFKA_ADVERTISED_LISTENERS ?? '').split(',').some((l) => l.endsWith(`://${broker}`))) {
          problems.push(`compose: ${name} connects to Kafka at ${broker}, which kafka does not advertise`);
        }
      }
      const qdrantUrl = new URL(config.vectorStore.qdrant.url);
      if (qdrantUrl.hostname !== 'qdrant' || qdrantUrl.port !== '6333') problems.push(`compose: ${name} QDRANT_URL must be http://qdrant:6333, got ${qdrantUrl}`);
    } catch (error) {
      problems.push(`compose: ${name} environment is rejected by loadConfig: ${(error as Error).message}`);
    }
    const deps = service.depends_on;
    for (const dep of ['kafka', 'qdrant']) {
      const condition = Array.isArray(deps) ? undefined : deps?.[dep]?.condition;
      if (condition !== 'service_healthy') problems.push(`compose: ${name} must depend on ${dep} being healthy`);
    }
    const modelStoreUrl = serviceEnv(service).MODEL_STORE_URL;
    if (modelStoreUrl) {
      // Reads model versions over HTTP: from a service (or network alias) that serves them on that port.
      const url = new URL(modelStoreUrl);
      const servers = Object.entries(services).filter(([other, s]) => other === url.hostname || networkAliases(s).includes(url.hostname));
      if (servers.length === 0) problems.push(`compose: ${name} reads models from ${url.hostname}, which no service is named or aliased`);
      for (const [other, s] of servers) {
        if (serviceEnv(s).MODEL_SERVER_PORT !== url.port) problems.push(`compose: ${name} reads models from port ${url.port}, but ${other} serves them on MODEL_SERVER_PORT=${serviceEnv(s).MODEL_SERVER_PORT}`);
      }
    } else if (!(service.volumes ?? []).some((v) => v.endsWith(':/data'))) problems.push(`compose: ${name} must mount the shared data volume at /data`);
  }

  const gpu = services['trainer-gpu'];
  if (!gpu) problems.push("compose: service 'trainer-gpu' is missing");
  else {
    if (!gpu.profiles?.includes('gpu')) problems.push('compose: trainer-gpu must be in profile gpu');
    if (gpu.build?.target !== 'trainer-gpu') problems.push('compose: trainer-gpu must build the trainer-gpu target');
    const devices = gpu.deploy?.resources?.reservations?.devices ?? [];
    if (!devices.some((d) => d.driver === 'nvidia' && d.capabilities?.includes('gpu'))) problems.push('compose: trainer-gpu must reserve an nvidia gpu device');
  }
  const edge = services.edge;
  if (!edge) problems.push("compose: service 'edge' is missing");
  else {
    if (!edge.profiles?.includes('edge')) problems.push('compose: edge must be in profile edge');
    if (edge.build?.target !== 'edge') problems.push('compose: edge must build the edge target');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// What the containers run

/** `[vars]` keys of wrangler.toml. */
function wranglerVars(toml: string): Set<string> {
  const section = /^\[vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? '';
  return new Set([...section.matchAll(/^\s*([A-Za-z_]\w*)\s*=/gm)].map((m) => m[1]));
}

/** `--var NAME:value` names an edge command passes that wrangler.toml does not declare. */
function unknownEdgeVars(command: string[], vars: Set<string>): string[] {
  const names = command.flatMap((arg, i) => (command[i - 1] === '--var' ? [arg.split(':')[0]] : []));
  return names.filter((n) => !vars.has(n));
}

/** Subcommands listed by `discern --help` (commander's "Commands:" section). */
function subcommandsOf(help: string): Set<string> {
  const section = help.split(/^Commands:\s*$/m)[1] ?? '';
  return new Set([...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]));
}

const sourceExtensions = ['', '.ts', '.js', '.mjs', '/index.ts', '/index.js'];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Follows static imports from `entry` and reports modules that cannot be found and packages
 * that are not runtime dependencies (the images install with `npm ci --omit=dev`).
 */
function checkRuntimeImports(entry: string): string[] {
  const problems: string[] = [];
  const runtimeDeps = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]);
  const seen = new Set<string>();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.(ts|js|mjs)$/.test(file)) continue;
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'), file)) {
      if (specifier.startsWith('.')) {
        const base = resolve(dirname(file), specifier);
        const found = sourceExtensions.map((ext) => base + ext).find((p) => existsSync(p) && statSync(p).isFile());
        if (found) queue.push(found);
        else problems.push(`${relative(root, file)} imports ${specifier}, which does not exist`);
      } else if (!builtins.has(specifier) && !builtins.has(packageOf(specifier))) {
        const name = packageOf(specifier);
        if (name in pkg.devDependencies && !runtimeDeps.has(name)) problems.push(`${relative(root, file)} imports ${name}, a devDependency missing from the production image`);
        else if (!runtimeDeps.has(name)) problems.push(`${relative(root, file)} imports ${name}, which package.json does not declare`);
      }
    }
  }
  return problems;
}

/** Scripts, CLI subcommands and files the infra README tells people to run. */
function checkReadmeCommands(readme: string, subcommands: Set<string>): string[] {
  const problems: string[] = [];
  // Only code (fenced blocks and inline spans) counts: prose may use the word "discern" freely.
  const code = [...readme.matchAll(/```[^\n]*\n([\s\S]*?)```|`([^`\n]+)`/g)].map((m) => m[1] ?? m[2]).join('\n');
  for (const m of code.matchAll(/\bnpm (?:run ([\w:-]+)|(start|test)\b)/g)) {
    const script = m[1] ?? m[2];
    if (!(script in pkg.scripts)) problems.push(`README: 'npm ${m[1] ? 'run ' : ''}${script}' is not a package.json script`);
  }
  for (const m of code.matchAll(/\b(?:discern|bin\/discern\.js)\s+([a-z][\w-]*)/g)) {
    if (!subcommands.has(m[1])) problems.push(`README: 'discern ${m[1]}' is not a CLI subcommand`);
  }
  for (const m of code.matchAll(/\b(infra\/kafka\/[\w.-]+\.sh)\b/g)) {
    if (!existsSync(join(root, m[1]))) problems.push(`README: ${m[1]} does not exist`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

const dockerfile = read('infra/Dockerfile');
const dockerignore = read('.dockerignore');
const composeText = read('infra/docker-compose.yml');
const compose = parseCompose(composeText);

describe('infra/Dockerfile', () => {
  it('has the stages, users, entrypoint and build inputs the deployment relies on', () => {
    expect(checkDockerfile(dockerfile, dockerignore)).toEqual([]);
  });

  it('reports a missing stage, a root user and a copied file that does not exist', () => {
    const broken = dockerfile
      .replace(/ AS trainer-gpu$/m, ' AS trainer-cuda')
      .replace(/^USER node$/gm, 'USER root')
      .replace('COPY package.json package-lock.json ./', 'COPY package.json package-lock.json missing.lock ./');
    const problems = checkDockerfile(broken, dockerignore);
    expect(problems).toContain("Dockerfile: stage 'trainer-gpu' is missing");
    expect(problems).toContain('Dockerfile: runtime must run as a non-root USER, got root');
    expect(problems).toContain('Dockerfile: deps copies missing.lock, which does not exist');
  });

  it('uses only runtime dependencies on the path from bin/discern.js (the image omits devDependencies)', () => {
    expect(pkg.bin.discern).toBe('bin/discern.js');
    expect(checkRuntimeImports('bin/discern.js')).toEqual([]);
  });
});

describe('infra/docker-compose.yml', () => {
  it('defines kafka, qdrant, api and trainer with healthchecks, wired through settings the service reads', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['kafka', 'qdrant', 'api', 'trainer']));
    expect(checkCompose(compose, dockerfile)).toEqual([]);
  });

  it('reports an unknown variable, a bad value, a broker kafka does not advertise and a missing healthcheck', () => {
    const broken = parseCompose(composeText);
    const api = broken.services.api;
    api.environment = { ...(api.environment as Record<string, string>), DISCERN_QUEUES: 'kafka', DISCERN_VECTOR_STORE: 'milvus' };
    broken.services.trainer.environment = { ...(broken.services.trainer.environment as Record<string, string>), KAFKA_BROKERS: 'broker:9092' };
    delete broken.services.qdrant.healthcheck;
    broken.services.reembed.environment = { ...(broken.services.reembed.environment as Record<string, string>), MODEL_STORE_URL: 'http://model-store:9999' };
    const problems = checkCompose(broken, dockerfile);
    expect(problems).toContain('compose: api sets DISCERN_QUEUES, which is not a setting in src/config/settings.ts');
    expect(problems.some((p) => p.startsWith('compose: api environment is rejected by loadConfig') && p.includes('DISCERN_VECTOR_STORE'))).toBe(true);
    expect(problems).toContain('compose: trainer connects to Kafka at broker:9092, which kafka does not advertise');
    expect(problems).toContain('compose: qdrant has no healthcheck');
    expect(problems).toContain('compose: reembed reads models from port 9999, but trainer serves them on MODEL_SERVER_PORT=8090');
  });

  it('passes the edge worker only variables that wrangler.toml declares, and its build script exists', () => {
    const toml = read('wrangler.toml');
    const vars = wranglerVars(toml);
    expect(vars.has('DISCERN_API_URL')).toBe(true);
    const command = commandOf(compose.services.edge);
    expect(command.slice(0, 1)).toEqual(['dev']);
    expect(unknownEdgeVars(command, vars)).toEqual([]);
    expect(unknownEdgeVars([...command, '--var', 'DISCERN_API_ULR:http://x'], vars)).toEqual(['DISCERN_API_ULR']);
    const build = /^\[build\][\s\S]*?^command\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? '';
    const script = /\b(functions\/[\w/.-]+\.ts)\b/.exec(build)?.[1];
    expect(script && existsSync(join(root, script))).toBe(true);
  });
});

describe('commands the containers and the README run', () => {
  let help = '';
  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bin/discern.js'), '--help'], { cwd: root, timeout: 60_000 });
    help = stdout;
  });

  it('are subcommands of bin/discern.js, package.json scripts or files in infra/kafka', () => {
    const subcommands = subcommandsOf(help);
    const { stages } = parseDockerfile(dockerfile);
    const defaultCmd = jsonArray(lastOf(stages.find((s) => s.name === 'runtime')!, 'CMD')) ?? [];
    const used = new Set([defaultCmd[0], ...['api', 'trainer', 'trainer-gpu', 'reembed'].map((name) => commandOf(compose.services[name])[0])]);
    expect([...used].filter((c) => !subcommands.has(c))).toEqual([]);
    expect(checkReadmeCommands(read('infra/README.md'), subcommands)).toEqual([]);
    expect(checkReadmeCommands('run `npm run edge-serve`, then `discern trainr`', subcommands)).toEqual([
      "README: 'npm run edge-serve' is not a package.json script",
      "README: 'discern trainr' is not a CLI subcommand",
    ]);
  });
});

/** Runs a healthcheck's `node -e` script the way the container would, returning its exit code. */
async function runNodeProbe(test: string[], env: Record<string, string>): Promise<number> {
  const i = test.indexOf('-e');
  if (test[1] !== 'node' || i < 0) throw new Error(`not a node -e healthcheck: ${JSON.stringify(test)}`);
  try {
    await promisify(execFile)(process.execPath, ['-e', test[i + 1]], { env: { ...process.env, ...env }, timeout: 20_000 });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

function trainerStatus(phase: TrainerStatus['phase'], updatedAt: Date): Pick<TrainerStatus, 'pid' | 'phase' | 'updatedAt' | 'backend'> {
  return { pid: 1, phase, updatedAt: updatedAt.toISOString(), backend: 'cpu' };
}

describe('healthchecks', () => {
  const { stages } = parseDockerfile(dockerfile);
  const trainerProbes = {
    compose: compose.services.trainer.healthcheck?.test as string[],
    'Dockerfile trainer-gpu': ['CMD', ...(jsonArray(lastOf(stages.find((s) => s.name === 'trainer-gpu')!, 'HEALTHCHECK')?.replace(/^.*?CMD\s+/, '')) ?? [])],
  };

  for (const [where, test] of Object.entries(trainerProbes)) {
    it(`${where}: the trainer probe passes on a fresh running status and fails on a failed, stale or missing one`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'discern-probe-'));
      try {
        const file = join(dir, 'trainer-status.json');
        const env = { DISCERN_DATA_DIR: dir };
        expect(await runNodeProbe(test, env)).toBe(1);
        writeFileSync(file, JSON.stringify(trainerStatus('running', new Date())));
        expect(await runNodeProbe(test, env)).toBe(0);
        writeFileSync(file, JSON.stringify(trainerStatus('replaying', new Date(Date.now() - 14 * 60_000))));
        expect(await runNodeProbe(test, env)).toBe(0);
        writeFileSync(file, JSON.stringify(trainerStatus('running', new Date(Date.now() - 16 * 60_000))));
        expect(await runNodeProbe(test, env)).toBe(1);
        writeFileSync(file, JSON.stringify(trainerStatus('failed', new Date())));
        expect(await runNodeProbe(test, env)).toBe(1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('compose: the re-embed worker probe passes on a fresh running status and fails on a stopped, stale or missing one', async () => {
    const test = compose.services.reembed.healthcheck!.test as string[];
    const dir = mkdtempSync(join(tmpdir(), 'discern-probe-'));
    try {
      const file = join(dir, 'reembed-status.json');
      const env = { DISCERN_DATA_DIR: dir };
      const status = (phase: string, at: Date) => JSON.stringify({ pid: 1, worker: 'w', phase, shares: 3, items: 30, abandoned: 0, malformed: 0, updatedAt: at.toISOString() });
      expect(await runNodeProbe(test, env)).toBe(1);
      writeFileSync(file, status('running', new Date()));
      expect(await runNodeProbe(test, env)).toBe(0);
      writeFileSync(file, status('running', new Date(Date.now() - 3 * 60_000)));
      expect(await runNodeProbe(test, env)).toBe(1);
      writeFileSync(file, status('stopped', new Date()));
      expect(await runNodeProbe(test, env)).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Dockerfile runtime: the API probe follows GET /healthz on PORT', async () => {
    const test = ['CMD', ...(jsonArray(lastOf(stages.find((s) => s.name === 'runtime')!, 'HEALTHCHECK')?.replace(/^.*?CMD\s+/, '')) ?? [])];
    let status = 200;
    const server: Server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? status : 404;
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = String((server.address() as { port: number }).port);
    try {
      expect(await runNodeProbe(test, { PORT: port })).toBe(0);
      status = 503;
      expect(await runNodeProbe(test, { PORT: port })).toBe(1);
    } finally {
      await new Promise((done) => server.close(done));
    }
    expect(await runNodeProbe(test, { PORT: port })).toBe(1);
  });
});
