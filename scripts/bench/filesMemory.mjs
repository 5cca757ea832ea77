// Memory figures of the files bench (files.mjs) from /proc/<pid>/status.
import { readFile } from 'node:fs/promises';

const KiB = 1024;

/** A `Name:   123 kB` field of a /proc file, in bytes. */
const field = (text, name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * KiB;

/**
 * VmRSS and VmHWM of one process, and its PSS (shared pages divided among
 * the processes sharing them, so that a sum over processes counts the
 * browser's binary and shared memory once), in bytes; zeros once it has ended.
 */
async function statusOf(pid) {
  try {
    const [status, rollup] = await Promise.all([
      readFile(`/proc/${pid}/status`, 'utf8'),
      readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => ''),
    ]);
    return { rss: field(status, 'VmRSS'), hwm: field(status, 'VmHWM'), pss: field(rollup, 'Pss') };
  } catch {
    return { rss: 0, hwm: 0, pss: 0 };
  }
}

/**
 * The memory of a browser's processes now.
 * @param {Array<{ pid: number, isRenderer: boolean }>} tree
 * @returns {Promise<Array<{ pid: number, isRenderer: boolean, rss: number, hwm: number }>>}
 */
export async function readMemory(tree) {
  return Promise.all(tree.map(async (p) => ({ ...p, ...(await statusOf(p.pid)) })));
}

/**
 * Peaks over the samples: the page's JS heap, the largest renderer's RSS, the
 * whole browser's PSS (every process summed), and the renderers' VmHWM as
 * the kernel recorded it (which catches a peak between two samples).
 */
export function summariseMemory(samples, last) {
  const renderers = (processes) => processes.filter((p) => p.isRenderer);
  const max = (values) => values.reduce((a, b) => Math.max(a, b), 0);
  const all = [...samples.map((s) => s.processes), last];
  return {
    peakHeap: max(samples.map((s) => s.heap)),
    rendererRss: max(all.map((processes) => max(renderers(processes).map((p) => p.rss)))),
    // Per sample, not only at the end: a renderer that ended earlier keeps its last reading.
    rendererHwm: max(all.map((processes) => max(renderers(processes).map((p) => p.hwm)))),
    browserPss: max(all.map((processes) => processes.reduce((sum, p) => sum + p.pss, 0))),
    samples: samples.length,
  };
}
