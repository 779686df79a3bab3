// Placeholder until the card driver lands (issue 2): `kiosk card read`.
export function run(_args: string[]): Promise<number> {
  process.stderr.write('kiosk card: not built yet\n');
  return Promise.resolve(1);
}
