// Loaded into a scenario's server with `--import` (bench/profile.ts sets NODE_OPTIONS): the first
// SIGWINCH starts V8's sampling profiler in the server's own thread, the second stops it and writes
// the profile to BENCH_CPU_PROFILE, then `<path>.done` with the process CPU time in between, so
// the profile covers exactly the measured load and none of the boot or warm-up.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const output = process.env.BENCH_CPU_PROFILE;
// 250 µs: four samples in a guarded request of ~250 µs of CPU, yet light enough not to move it.
const SAMPLING_INTERVAL_US = Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US ?? 250);

if (output) {
  const session = new Session();
  session.connect();
  let started: NodeJS.CpuUsage | undefined;
  process.on('SIGWINCH', () => {
    void (async () => {
      if (!started) {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
        await session.post('Profiler.start');
        started = process.cpuUsage();
        return;
      }
      const cpu = process.cpuUsage(started);
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(output, JSON.stringify(profile));
      writeFileSync(`${output}.done`, JSON.stringify({ cpuMicros: cpu.user + cpu.system, ...cpu }));
    })();
  });
}
