// Placeholder until the runtime lands (issue 3): `kiosk start` composes drivers, flows, store and UI.
export function run(_args: string[]): Promise<number> {
  process.stderr.write('kiosk start: the runtime is not built yet\n');
  return Promise.resolve(1);
}
