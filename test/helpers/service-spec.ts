import { type ServiceSpec, serviceNames } from '../../src/transport/services/service-files.js';

export const USER_HOME = '/Users/ana';
export const DEFAULT_HOME = '/Users/ana/.iapeer';

/** The daemon's service in the default home, as the service files are rendered from it. */
export function serviceSpec(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    role: { kind: 'daemon' },
    names: serviceNames({ kind: 'daemon' }, undefined),
    program: ['/opt/node/bin/node', '/opt/iapeer/dist/cli.cjs', 'daemon', 'run'],
    env: { PATH: '/opt/homebrew/bin:/usr/bin:/bin', HOME: USER_HOME, IAPEER_HOME: DEFAULT_HOME, LANG: 'en_US.UTF-8' },
    workingDirectory: USER_HOME,
    logFile: `${DEFAULT_HOME}/logs/service-daemon.log`,
    home: DEFAULT_HOME,
    ...overrides,
  };
}
