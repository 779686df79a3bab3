import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardImageError, listCardImages, loadCardImage, parseCardImage } from './load.js';

const valid = {
  name: 'tiny',
  description: 'tiny',
  uid: '04112233',
  applications: [{ aid: 'A000000632010105', fci: '', files: [{ sfi: 21, binary: '00' }], balance: { slot0: 1 } }],
  expected: { family: null },
};

function problemsOf(json: unknown): readonly string[] {
  try {
    parseCardImage(json);
  } catch (e) {
    expect(e).toBeInstanceOf(CardImageError);
    expect((e as CardImageError).code).toBe('invalid-image');
    return (e as CardImageError).problems;
  }
  throw new Error('expected the image to be refused');
}

describe('card image loader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sim-images-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads committed images by name and lists them with descriptions', async () => {
    const image = await loadCardImage('t-union-guangzhou-ok');
    expect(image.expected.family).toBe('t-union');
    const list = await listCardImages();
    expect(list.map((e) => e.name)).toContain('technician');
    expect(list.map((e) => e.name)).not.toContain('blocklist');
    expect(list.every((e) => e.description.length > 0)).toBe(true);
  });

  it('refuses unknown names, path tricks, non-JSON files', async () => {
    await expect(loadCardImage('no-such-card')).rejects.toMatchObject({ code: 'unknown-image' });
    await expect(loadCardImage('..%2F..%2Fetc')).rejects.toMatchObject({ code: 'unknown-image' });
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{ "name": ');
    await expect(loadCardImage(bad)).rejects.toMatchObject({ code: 'invalid-json' });
  });

  it('accepts a minimal image and names every problem of a bad one', () => {
    expect(parseCardImage(valid).name).toBe('tiny');
    expect(problemsOf(null)).toEqual(['(root): must be an object']);
    expect(
      problemsOf({
        ...valid,
        name: 'Bad Name',
        uid: '0411',
        extra: 1,
        applications: [
          { aid: 'XYZ', fci: '00', fid: '10', balance: { slot0: -1 }, files: [{ binary: '00', records: [] }, { sfi: 31, records: ['0G'] }], technician: { technicianId: '', privateKeyPem: 'nothex', pin: '12', pinTries: 0 } },
          'x',
        ],
      }),
    ).toEqual([
      'extra: unknown field',
      'name: must be lower-case letters, digits and dashes',
      'uid: must be 4 or 7 or 10 bytes, got 2',
      'applications[0].aid: must be hex bytes',
      'applications[0].fid: must be 2 bytes, got 1',
      'applications[0].balance.slot0: must be an integer 0..0xFFFFFFFF',
      'applications[0].technician.technicianId: must be 1..32 printable ASCII characters',
      'applications[0].technician.privateKeyPem: must be an ECDSA P-256 private key (PKCS#8 PEM)',
      'applications[0].technician.pin: must be 4..8 digits',
      'applications[0].technician.pinTries: must be an integer 1..15',
      'applications[0].files[0]: needs `sfi` or `fid`',
      'applications[0].files[0]: needs exactly one of `binary` or `records`',
      'applications[0].files[1].sfi: must be an integer 1..30',
      'applications[0].files[1].records[0]: must be hex bytes',
      'applications[1]: must be an object',
    ]);
    expect(problemsOf({ ...valid, expected: undefined, t0: { getResponse: 'yes' } })).toEqual(['t0.getResponse: must be true or false', 'expected: must be an object with at least `family`']);
  });
});
