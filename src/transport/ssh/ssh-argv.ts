/** What ssh needs to reach a host: the target as `hosts.json` gives it, and the control socket. */
export interface SshReach {
  readonly user: string | undefined;
  readonly host: string;
  readonly port: number | undefined;
  /** The control master's socket path, for every connection to that host (ssh's ControlPath). */
  readonly controlPath: string;
  readonly connectTimeoutS: number;
}

/** How long a master with no client stays up, ready for the next call. */
export const CONTROL_PERSIST_S = 300;

/**
 * ssh's options for iapeer's connections: never a prompt (batch mode; a host key it does not
 * know is refused, not asked about), a connect timeout, keep-alives that find a dead link in
 * seconds, and the host's control socket. Each option is its own `-o` argument: none comes
 * from user text but the target, which hosts-file.ts has checked. `master` is `yes` only for
 * the one process that starts the master (never with `-M` too: `-M` on top of `yes` means "ask").
 */
export function sshOptions(reach: SshReach, master: 'yes' | 'no'): string[] {
  const options = [
    'BatchMode=yes',
    `ConnectTimeout=${reach.connectTimeoutS}`,
    'ServerAliveInterval=5',
    'ServerAliveCountMax=2',
    `ControlMaster=${master}`,
    `ControlPath=${reach.controlPath}`,
    ...(master === 'yes' ? [`ControlPersist=${CONTROL_PERSIST_S}`] : []),
    'LogLevel=ERROR',
  ];
  return [...options.flatMap((option) => ['-o', option]), ...(reach.port === undefined ? [] : ['-p', String(reach.port)]), ...(reach.user === undefined ? [] : ['-l', reach.user])];
}

/**
 * `ssh <options> -N -f -- <host>`: starts the host's master, which goes to the background once
 * connected and stays up CONTROL_PERSIST_S after its last client.
 */
export function masterArgv(reach: SshReach): string[] {
  return [...sshOptions(reach, 'yes'), '-N', '-f', '--', reach.host];
}

/**
 * `ssh <options> [-t] -- <host> <remote command line>`: the argv of one call, over the master
 * if it answers (ControlMaster=no never starts one: ssh then connects on its own).
 */
export function sshArgv(reach: SshReach, remoteLine: string, options: { tty?: boolean } = {}): string[] {
  return [...sshOptions(reach, 'no'), ...(options.tty === true ? ['-t'] : ['-T']), '--', reach.host, remoteLine];
}

/** `ssh -O <check|exit> …`: asks the host's master about itself, or ends it. */
export function controlArgv(reach: SshReach, command: 'check' | 'exit'): string[] {
  return [...sshOptions(reach, 'no'), '-O', command, '--', reach.host];
}

/** The master's pid from `ssh -O check`'s answer (`Master running (pid=1234)`). */
export function masterPidOf(checkOutput: string): number | undefined {
  const match = /Master running \(pid=(\d+)\)/.exec(checkOutput);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
