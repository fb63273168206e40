// Jest loads global teardown files outside its module mapper: no relative imports here.
import { readdirSync, readFileSync } from 'node:fs';

/** How long Jest may take to exit once every test file has finished. */
const GRACE_MS = 15_000;

/**
 * Ends a run that would otherwise hang after its last test (a server or socket a test file did
 * not release), naming what is still open, instead of waiting for CI's time limit. The timer is
 * unref'd: a run that releases everything exits at once and never sees it.
 */
export default function armExitWatchdog(): void {
  setTimeout(() => {
    const open = process
      .getActiveResourcesInfo()
      .filter((kind) => kind !== 'TTYWrap' && kind !== 'PipeWrap');
    const children = childProcesses();
    const lines = [
      `\nJest had not exited ${GRACE_MS / 1000} s after the last test: something a test started is still open.`,
      `Open handles: ${summarise(open) || 'none reported'}.`,
      ...children.map(({ command }) => `Child process still running, now killed: ${command}`),
      'Find the test file with --detectOpenHandles; each must stop what it started in afterAll.',
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
    for (const { pid } of children) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // It ended in the meantime.
      }
    }
    process.exit(1);
  }, GRACE_MS).unref();
}

function summarise(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} ×${n}`).join(', ');
}

/** This process's children (Linux /proc; none found elsewhere). */
function childProcesses(): { pid: number; command: string }[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((pid) => {
        try {
          // The parent pid is the 2nd field after the command name, which may hold spaces.
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          if (ppid !== process.pid) return [];
          const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
          return [{ pid: Number(pid), command: command.trim().slice(0, 120) }];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}
