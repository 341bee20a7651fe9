import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Memory of a process as Linux reports it in `/proc/<pid>/status`, in MiB. */
export interface ProcessMemory {
  /** Resident set size now. */
  rssMiB: number;
  /** Peak resident set size since the process started (VmHWM). */
  peakRssMiB: number;
}

/**
 * Reads `/proc/<pid>/status` (VmRSS, VmHWM). Undefined once the process is gone or exiting.
 *
 * @example
 * processMemory(child.pid!)?.peakRssMiB;
 */
export function processMemory(pid: number): ProcessMemory | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const rssMiB = kib('VmRSS') / 1024;
  const peakRssMiB = kib('VmHWM') / 1024;
  // A process that is exiting (or a zombie) has a status file without memory lines.
  return Number.isFinite(rssMiB) && Number.isFinite(peakRssMiB) ? { rssMiB, peakRssMiB } : undefined;
}

/**
 * CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`; its
 * waited-for children are not included. Undefined once the process is gone.
 *
 * @example
 * const before = processCpuSeconds(pid)!; ...; const used = processCpuSeconds(pid)! - before;
 */
export function processCpuSeconds(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/**
 * The process listening on a loopback TCP port (e.g. a broker started by a script), found
 * through the socket's inode in `/proc/net/tcp*` and the owners' open descriptors. Only this
 * user's processes can be seen; undefined when none matches.
 *
 * @example
 * const brokerPid = pidListeningOn(9092);
 */
export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      // cols[1] is local address:port, cols[3] the state (0A = LISTEN), cols[9] the inode.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A') inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(entry);
      } catch {
        // The descriptor closed while being read.
      }
    }
  }
  return undefined;
}

/**
 * Samples a process's memory every `intervalMs` and keeps the highest RSS seen, next to the
 * kernel's own peak (VmHWM), which also catches spikes between samples.
 *
 * @example
 * const sampler = sampleMemory(child.pid!, 500);
 * ...; const { peakRssMiB, peakSampledRssMiB } = sampler.stop();
 */
export function sampleMemory(pid: number, intervalMs = 500) {
  let peakSampled = 0;
  let peakKernel = 0;
  let last: ProcessMemory | undefined;
  const take = () => {
    const m = processMemory(pid);
    if (m) {
      last = m;
      peakSampled = Math.max(peakSampled, m.rssMiB);
      peakKernel = Math.max(peakKernel, m.peakRssMiB);
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    /** Latest sample. */
    get current(): ProcessMemory | undefined {
      return last;
    },
    stop(): { peakSampledRssMiB: number; peakRssMiB: number; lastRssMiB: number } {
      clearInterval(timer);
      take();
      return { peakSampledRssMiB: peakSampled, peakRssMiB: last ? peakKernel : NaN, lastRssMiB: last?.rssMiB ?? NaN };
    },
  };
}
