#!/usr/bin/env node
// Entry point of the `twitch-pulse` command: the sources are TypeScript run through tsx, so
// `npx twitch-pulse …` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
