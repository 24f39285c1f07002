/** CPU and memory of another process, from /proc (Linux): what the gateway itself uses, not the load generator. */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const CLK_TCK = 100;

/** utime + stime of a process, seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** Bytes the process has caused to be written to storage (/proc/<pid>/io write_bytes: WAL, checkpoints, files). */
export function diskWriteBytes(pid: number): number {
  const m = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return m === null ? 0 : Number(m[1]);
}

/** Resident set size, MiB. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]) / 1024;
}

/** Starts measuring this process's CPU (the load generator's); the function returns percent of one core since then. */
export function ownCpuMeter(): () => number {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const used = process.cpuUsage(cpu0);
    return Math.round(((used.user + used.system) / 1000 / (performance.now() - t0)) * 1000) / 10;
  };
}

export interface ProcessUsage {
  /** CPU used over the window, percent of one core (200 = both cores of this machine). */
  readonly cpuPercent: number;
  readonly rssPeakMiB: number;
  readonly rssMeanMiB: number;
  readonly rssEndMiB: number;
  /** Highest RSS sampled in each second of the window, MiB (index 0 = the first second), to see when the peak happens. */
  readonly rssTimelineMiB: number[];
}

/** Samples a process every `intervalMs` until stop(). */
export class ProcessSampler {
  private readonly startCpu: number;
  private readonly startAt = Date.now();
  private peak = 0;
  private sum = 0;
  private n = 0;
  private last = 0;
  private readonly timeline: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, intervalMs = 200) {
    this.startCpu = cpuSeconds(pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Stops sampling without reading the process again (it may be gone). Idempotent. */
  dispose(): void {
    clearInterval(this.timer);
  }

  stop(): ProcessUsage {
    clearInterval(this.timer);
    this.sample();
    let cpu: number;
    try {
      cpu = cpuSeconds(this.pid) - this.startCpu;
    } catch {
      throw new Error(`process ${this.pid} exited before the end of the run (a crashed gateway is a failed shape, not a figure)`);
    }
    const wall = (Date.now() - this.startAt) / 1000;
    const r = (x: number): number => Math.round(x * 10) / 10;
    return {
      cpuPercent: r((cpu / wall) * 100), rssPeakMiB: r(this.peak), rssMeanMiB: r(this.sum / Math.max(1, this.n)), rssEndMiB: r(this.last),
      rssTimelineMiB: Array.from(this.timeline, (x) => r(x ?? 0)),
    };
  }

  private sample(): void {
    try {
      this.last = rssMiB(this.pid);
    } catch {
      return; // the process is gone
    }
    this.peak = Math.max(this.peak, this.last);
    const second = Math.floor((Date.now() - this.startAt) / 1000);
    this.timeline[second] = Math.max(this.timeline[second] ?? 0, this.last);
    this.sum += this.last;
    this.n++;
  }
}
