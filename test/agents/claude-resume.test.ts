import { describeResume } from './resume-suite.js';

describeResume('claude');
