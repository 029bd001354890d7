import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './test/summary-reporter.js';

// Real Claude Code and Codex CLI driven through the built iapeer (`npm run test:agents`):
// one file at a time, each running one agent against its own loopback fake model API.
export default defineConfig({
  test: {
    reporters: ['default', new SummaryReporter()],
    include: ['test/agents/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
