import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The library's layers, lowest first. A file may import from its own layer and the ones before
// it, never from a later one, so the folders read bottom-up (docs/architecture.md). The module
// files at the top of src/ wire them all; the demo is never imported by the library.
const LAYERS = ['core', 'stores', 'audit', 'session', 'security', 'access', 'auth'];
const TOP_FILES =
  'session\\.module(-definition)?|session-pipeline\\.middleware|session-io\\.adapter|index';

function layerRules(index) {
  const above = [...LAYERS.slice(index + 1), 'demo'];
  return {
    files: [`src/${LAYERS[index]}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${above.join('|')})/`,
              message: `${LAYERS[index]}/ sits below ${above.join(', ')}: move the shared piece down instead.`,
            },
            {
              regex: `^(\\.\\./)+(${TOP_FILES})\\.js$`,
              message: 'Only the module files at the top of src/ wire the layers together.',
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-*/',
      'node_modules/',
      'coverage/',
      'test-output/',
      'reports/',
      '.stryker-tmp/',
      'src/demo/spa/vendor/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...LAYERS.map((_, index) => layerRules(index)),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
