#!/usr/bin/env node
// Before the tests: the two system packages they need (DynamoDB Local runs on Java; the browser tests drive Debian's chromium).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
const major = Number(/version "(?:1\.)?(\d+)/.exec(`${java.stderr}${java.stdout}`)?.[1] ?? 0);
const missing = [];
if (java.error || major < 17) missing.push('default-jre-headless');
if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
if (missing.length) {
  console.error(
    `The tests need ${missing.join(' and ')} (Java 17+ for DynamoDB Local, Debian's chromium for the browser tests):\n` +
      `  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
  );
  process.exit(1);
}
