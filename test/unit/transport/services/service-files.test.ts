import { parse } from 'plist';
import { describe, expect, it } from 'vitest';
import { RefusedError } from '../../../../src/core/errors.js';
import {
  hasMarker,
  homeTag,
  renderPlist,
  renderUnit,
  serviceEnv,
  serviceFilePath,
  serviceNames,
  showCommand,
} from '../../../../src/transport/services/service-files.js';
import { DEFAULT_HOME, USER_HOME, serviceSpec } from '../../../helpers/service-spec.js';

describe('service names', () => {
  it('gives the default home plain names and any other home a short hash of its path', () => {
    expect(homeTag(DEFAULT_HOME, DEFAULT_HOME)).toBeUndefined();
    const tag = homeTag('/srv/fleet-a', DEFAULT_HOME);
    expect(tag).toMatch(/^[0-9a-f]{8}$/);
    expect(homeTag('/srv/fleet-b', DEFAULT_HOME)).not.toBe(tag);
    expect(homeTag('/srv/fleet-a', DEFAULT_HOME)).toBe(tag);

    expect(serviceNames({ kind: 'daemon' }, undefined)).toEqual({
      unit: 'iapeer-daemon.service',
      label: 'dev.iapeer.daemon',
      logName: 'service-daemon.log',
    });
    expect(serviceNames({ kind: 'daemon' }, 'abcd1234')).toEqual({
      unit: 'iapeer-daemon-abcd1234.service',
      label: 'dev.iapeer.daemon.abcd1234',
      logName: 'service-daemon.log',
    });
    expect(serviceNames({ kind: 'peer', identity: 'claude-boris' }, undefined)).toEqual({
      unit: 'iapeer-peer-claude-boris.service',
      label: 'dev.iapeer.peer.claude-boris',
      logName: 'service-peer-claude-boris.log',
    });
    expect(serviceNames({ kind: 'peer', identity: 'claude-boris' }, 'abcd1234').unit).toBe('iapeer-peer-claude-boris-abcd1234.service');
  });

  it('puts the file in LaunchAgents or the systemd user directory, honouring an absolute XDG_CONFIG_HOME only', () => {
    const names = serviceNames({ kind: 'daemon' }, undefined);
    expect(serviceFilePath('launchd', names, { home: USER_HOME, xdgConfigHome: '/x' })).toBe('/Users/ana/Library/LaunchAgents/dev.iapeer.daemon.plist');
    expect(serviceFilePath('systemd', names, { home: '/home/ana', xdgConfigHome: undefined })).toBe('/home/ana/.config/systemd/user/iapeer-daemon.service');
    expect(serviceFilePath('systemd', names, { home: '/home/ana', xdgConfigHome: '/cfg' })).toBe('/cfg/systemd/user/iapeer-daemon.service');
    expect(serviceFilePath('systemd', names, { home: '/home/ana', xdgConfigHome: 'relative' })).toBe('/home/ana/.config/systemd/user/iapeer-daemon.service');
  });
});

describe('serviceEnv', () => {
  it('sets PATH, HOME, IAPEER_HOME and a UTF-8 LANG, and keeps iapeer settings that are set', () => {
    const env = { PATH: '/a:/b', LANG: undefined, IAPEER_SOCK_DIR: '/tmp/s', IAPEER_IDLE_TIMEOUT_S: '60', SECRET_TOKEN: 'x', PEER_IDENTITY: 'demo-x' };
    expect(serviceEnv('systemd', env, { home: '/h/.iapeer', userHome: '/h' })).toEqual({
      PATH: '/a:/b',
      HOME: '/h',
      IAPEER_HOME: '/h/.iapeer',
      LANG: 'C.UTF-8',
      IAPEER_SOCK_DIR: '/tmp/s',
      IAPEER_IDLE_TIMEOUT_S: '60',
    });
    expect(serviceEnv('launchd', { PATH: '/a' }, { home: '/h/.iapeer', userHome: '/h' })['LANG']).toBe('en_US.UTF-8');
    // The notification command, the ssh client and this host's name go with the daemon into its service.
    const notify = '["sh", "-c", "notify-send -- \\"iapeer: $IAPEER_EVENT_IDENTITY\\""]';
    const passed = { PATH: '/a', IAPEER_ON_ATTENTION: notify, IAPEER_SSH: '/usr/local/bin/my-ssh', IAPEER_HOST_NAME: 'laptop' };
    const kept = serviceEnv('systemd', passed, { home: '/h/.iapeer', userHome: '/h' });
    expect(kept['IAPEER_ON_ATTENTION']).toBe(notify);
    expect(kept['IAPEER_SSH']).toBe('/usr/local/bin/my-ssh');
    expect(kept['IAPEER_HOST_NAME']).toBe('laptop');
    expect(serviceEnv('launchd', { PATH: '/a', LANG: 'fr_FR.UTF-8' }, { home: '/h/.iapeer', userHome: '/h' })['LANG']).toBe('fr_FR.UTF-8');
  });
});

describe('renderUnit', () => {
  it('writes the marker first, restarts on failure with a delay, limits starts in [Unit], and keeps sessions on stop', () => {
    const text = renderUnit(serviceSpec());
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^# Written by iapeer \(iapeer daemon install\)/);
    expect(hasMarker(text)).toBe(true);
    const unitSection = text.slice(text.indexOf('[Unit]'), text.indexOf('[Service]'));
    expect(unitSection).toContain('StartLimitIntervalSec=600\n');
    expect(unitSection).toContain('StartLimitBurst=10\n');
    expect(lines).toContain('ExecStart="/opt/node/bin/node" "/opt/iapeer/dist/cli.cjs" "daemon" "run"');
    expect(lines).toContain('Restart=on-failure');
    expect(lines).toContain('RestartSec=10');
    expect(lines).toContain('KillMode=process');
    expect(lines).toContain('Environment="IAPEER_HOME=/Users/ana/.iapeer"');
    expect(lines).toContain('StandardOutput=append:/Users/ana/.iapeer/logs/service-daemon.log');
    expect(lines).toContain('StandardError=append:/Users/ana/.iapeer/logs/service-daemon.log');
    expect(text).toMatch(/\[Install\]\nWantedBy=default.target\n$/);
  });

  it('quotes what systemd would otherwise expand or split', () => {
    const text = renderUnit(
      serviceSpec({
        program: ['/opt/my node/node', '/a"b\\c/cli.cjs', 'daemon', 'peer', 'demo-x'],
        env: { IAPEER_HOME: '/h/100%/$HOME', PATH: '/bin' },
        logFile: '/h/100%/logs/x.log',
      }),
    );
    expect(text).toContain('ExecStart="/opt/my node/node" "/a\\"b\\\\c/cli.cjs" "daemon" "peer" "demo-x"');
    expect(text).toContain('Environment="IAPEER_HOME=/h/100%%/$HOME"');
    expect(text).toContain('StandardOutput=append:/h/100%%/logs/x.log');
    expect(renderUnit(serviceSpec({ program: ['/bin/$x'] }))).toContain('ExecStart="/bin/$$x"');
  });

  it('refuses a value with a newline rather than write a broken file', () => {
    expect(() => renderUnit(serviceSpec({ env: { IAPEER_HOME: '/h\nExecStartPre=/bin/evil' } }))).toThrow(RefusedError);
    expect(() => renderPlist(serviceSpec({ logFile: '/h/\u0007.log' }))).toThrow(/control character/);
  });
});

describe('renderPlist', () => {
  it('parses as a plist with the keys launchd needs', () => {
    const text = renderPlist(serviceSpec());
    expect(text.split('\n')[1]).toMatch(/^<!-- Written by iapeer/);
    expect(hasMarker(text)).toBe(true);
    const parsed = parse(text) as Record<string, unknown>;
    expect(parsed).toEqual({
      Label: 'dev.iapeer.daemon',
      ProgramArguments: ['/opt/node/bin/node', '/opt/iapeer/dist/cli.cjs', 'daemon', 'run'],
      EnvironmentVariables: { PATH: '/opt/homebrew/bin:/usr/bin:/bin', HOME: USER_HOME, IAPEER_HOME: DEFAULT_HOME, LANG: 'en_US.UTF-8' },
      WorkingDirectory: USER_HOME,
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ThrottleInterval: 10,
      ExitTimeOut: 15,
      StandardOutPath: `${DEFAULT_HOME}/logs/service-daemon.log`,
      StandardErrorPath: `${DEFAULT_HOME}/logs/service-daemon.log`,
    });
  });

  it('escapes XML in values', () => {
    const parsed = parse(renderPlist(serviceSpec({ env: { IAPEER_HOME: '/h/a&b<c>"d"', PATH: '/bin' } }))) as { EnvironmentVariables: Record<string, string> };
    expect(parsed.EnvironmentVariables['IAPEER_HOME']).toBe('/h/a&b<c>"d"');
  });
});

describe('hasMarker', () => {
  it('finds the marker line only near the top, as a comment', () => {
    expect(hasMarker('[Unit]\nDescription=mine\n')).toBe(false);
    expect(hasMarker('Description=Written by iapeer\n')).toBe(false);
    expect(hasMarker(`${'#\n'.repeat(400)}# Written by iapeer\n`)).toBe(false);
    expect(hasMarker('<?xml version="1.0"?>\n<!-- Written by iapeer (x). -->\n')).toBe(true);
  });
});

describe('showCommand', () => {
  it('quotes words a shell would split', () => {
    expect(showCommand(['launchctl', 'bootstrap', 'gui/501', '/Users/a b/x.plist'])).toBe("launchctl bootstrap gui/501 '/Users/a b/x.plist'");
  });
});
