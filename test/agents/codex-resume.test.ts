import { describeResume } from './resume-suite.js';

describeResume('codex');
