// Scores each group of stryker.config.mjs from Stryker's JSON report and fails when one is under
// MIN_GROUP_SCORE. Stryker's own threshold sees only the total, where a well-tested group could
// hide a weak one. `--markdown` prints the table for docs/mutation-testing.md.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GROUPS, MIN_GROUP_SCORE } from '../stryker.config.mjs';

const REPORT = 'reports/mutation/mutation.json';
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** `path` or `path:from-to` → a test for (file, line). */
function matcher(entry) {
  const match = /^(.*):(\d+)-(\d+)$/.exec(entry);
  const file = resolve(match ? match[1] : entry);
  const [from, to] = match ? [Number(match[2]), Number(match[3])] : [1, Infinity];
  return (path, line) => path === file && line >= from && line <= to;
}

const report = JSON.parse(await readFile(REPORT, 'utf8'));
const rows = [];
const survivors = [];
for (const [group, entries] of Object.entries(GROUPS)) {
  const inGroup = entries.map(matcher);
  let detected = 0;
  let undetected = 0;
  for (const [path, file] of Object.entries(report.files)) {
    const absolute = resolve(path);
    for (const mutant of file.mutants) {
      const line = mutant.location.start.line;
      if (!inGroup.some((test) => test(absolute, line))) continue;
      if (DETECTED.has(mutant.status)) detected += 1;
      else if (UNDETECTED.has(mutant.status)) {
        undetected += 1;
        survivors.push(
          `${group}: ${path}:${line} ${mutant.status} ${mutant.mutatorName} → ${mutant.replacement}`,
        );
      }
    }
  }
  const total = detected + undetected;
  const score = total === 0 ? 100 : (100 * detected) / total;
  rows.push({ group, detected, total, score });
}

const markdown = process.argv.includes('--markdown');
if (markdown) {
  console.log('| group | killed / mutants | score |');
  console.log('| --- | --- | --- |');
}
for (const { group, detected, total, score } of rows) {
  const shown = `${score.toFixed(1)}%`;
  if (markdown) console.log(`| ${group} | ${detected} / ${total} | ${shown} |`);
  else console.log(`${shown.padStart(7)}  ${String(detected).padStart(4)}/${total}  ${group}`);
}
if (!markdown && survivors.length > 0) {
  console.log(`\nNot detected (${survivors.length}):\n${survivors.join('\n')}`);
}
const weak = rows.filter((row) => row.score < MIN_GROUP_SCORE);
if (weak.length > 0) {
  console.error(
    `\nUnder ${MIN_GROUP_SCORE}%: ${weak.map((row) => row.group).join(', ')}. ` +
      'Open reports/mutation/mutation.html to see the surviving mutants.',
  );
  process.exitCode = 1;
}
