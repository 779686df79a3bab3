// Lint: type-aware rules (no floating promises, exhaustive switches) and the import rules of
// ../shared/ARCHITECTURE.md: which folder may import which.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ours = ['shared', 'driver', 'kiosk', 'central', 'hardware-sim'];
/** folder → folders of ours it may import */
const allowed = {
  shared: [],
  driver: ['shared'],
  kiosk: ['shared', 'driver'],
  central: ['shared'],
  'hardware-sim': ['shared'],
};

const folderPatterns = (folder) =>
  ours
    .filter((f) => f !== folder && !allowed[folder].includes(f))
    .map((f) => ({ group: [`**/${f}/**`, `**/${f}`], message: `${folder}/ may not import ${f}/ (see ../shared/ARCHITECTURE.md)` }));

const importRules = Object.keys(allowed).map((folder) => ({
  files: [`${folder}/**/*.{ts,tsx}`],
  rules: { 'no-restricted-imports': ['error', { patterns: folderPatterns(folder) }] },
}));

/**
 * Browser pages (central/pages, hardware-sim/panel, kiosk/ui) are built by Vite on their own and are
 * not in the server's compiled tree: server code may not import them (what both read lives in shared/).
 */
const pageFolders = { central: 'central/pages', 'hardware-sim': 'hardware-sim/panel', kiosk: 'kiosk/ui' };
const serverRules = Object.entries(pageFolders).map(([folder, pages]) => ({
  files: [`${folder}/**/*.{ts,tsx}`],
  ignores: [`${pages}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...folderPatterns(folder),
          { group: [`**/${pages.split('/')[1]}/**`], message: `${pages}/ is a browser page built by Vite; server code may not import it (move what both read to shared/)` },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'var/**', 'test-output/**', 'eslint.config.js', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      'no-console': 'off',
    },
  },
  ...importRules,
  ...serverRules,
);
