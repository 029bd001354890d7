import { lstat, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefusedError } from '../../../../src/core/errors.js';
import { renderUnit } from '../../../../src/transport/services/service-files.js';
import { deleteServiceFile, readServiceFile, writeServiceFile } from '../../../../src/transport/services/service-store.js';
import { serviceSpec } from '../../../helpers/service-spec.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

describe('service files on disk', () => {
  const dir = useTempDir('iapeer-service-files-', { shared: true });

  it('writes a new file, keeps an unchanged one, rewrites a changed one, deletes only its own', async () => {
    const file = join(dir(), 'user', 'systemd', 'iapeer-daemon.service');
    const text = renderUnit(serviceSpec());
    expect(await readServiceFile(file)).toEqual({ state: 'absent' });
    expect(await writeServiceFile(file, text, await readServiceFile(file))).toBe('new');
    expect((await lstat(file)).mode & 0o777).toBe(0o644);
    const before = (await lstat(file)).mtimeMs;
    expect(await writeServiceFile(file, text, await readServiceFile(file))).toBe('same');
    expect((await lstat(file)).mtimeMs).toBe(before);
    const other = renderUnit(serviceSpec({ env: { PATH: '/other' } }));
    expect(await writeServiceFile(file, other, await readServiceFile(file))).toBe('changed');
    expect(await readFile(file, 'utf8')).toBe(other);
    expect(await deleteServiceFile(file)).toBe(true);
    expect(await deleteServiceFile(file)).toBe(false);
  });

  it('refuses a file without the marker, or a symlink, and leaves it as it was', async () => {
    const file = join(dir(), 'foreign.service');
    await writeFile(file, '[Service]\nExecStart=/bin/true\n');
    await expect(readServiceFile(file)).rejects.toThrow(/foreign\.service exists but was not written by iapeer.*move it aside/);
    await expect(deleteServiceFile(file)).rejects.toThrow(RefusedError);
    expect(await readFile(file, 'utf8')).toBe('[Service]\nExecStart=/bin/true\n');

    const target = join(dir(), 'target.service');
    await writeFile(target, renderUnit(serviceSpec()));
    const link = join(dir(), 'link.service');
    await symlink(target, link);
    await expect(readServiceFile(link)).rejects.toThrow(/link\.service is not a plain file iapeer wrote/);
    await mkdir(join(dir(), 'adir.service'));
    await expect(readServiceFile(join(dir(), 'adir.service'))).rejects.toThrow(RefusedError);
  });
});
