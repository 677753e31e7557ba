import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-h5/',
      '.data/',
      '.build/',
      'coverage/',
      'cloudfunctions/*/index.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser, ...globals.jest, LOCAL_DEV_TOOLS: 'readonly' },
    },
    rules: {
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // The layers (docs/architecture.md): src/domain is pure TypeScript shared by pages and
  // functions; the mini-program never reaches into the server or the stand-in; product code
  // never imports local-cloud, which is never deployed.
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tarojs/*', 'react', 'react-dom', '@nutui/*'],
              message: 'src/domain imports no UI framework.',
            },
            { group: ['wx-server-sdk', 'node:*'], message: 'src/domain imports no wx or node module.' },
            {
              regex: '^(crypto|fs|path|os|util|buffer|stream|events|child_process)$',
              message: 'src/domain imports no node module.',
            },
            {
              group: ['@/api/*', '@/api', '@/components/*', '@/pages/*', '@/account/*'],
              message: 'src/domain imports nothing above it.',
            },
            {
              group: ['**/cloudfunctions/**', '**/local-cloud/**', '**/database/**'],
              message: 'src/domain imports no server code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/cloudfunctions/**', '**/local-cloud/**', '**/database/**'],
              message: 'The mini-program never imports server or stand-in code.',
            },
            { group: ['wx-server-sdk'], message: 'Pages call cloud functions through src/api only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['cloudfunctions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/local-cloud/**'],
              message: 'Product code never imports local-cloud (it is never deployed).',
            },
            {
              group: ['**/src/api/**', '**/src/components/**', '**/src/pages/**', '**/src/account/**', '@/*'],
              message: 'Functions share only src/domain with the mini-program.',
            },
          ],
        },
      ],
    },
  },
  {
    // CLI entry points print to the terminal by design.
    files: ['scripts/**', 'bench/**', 'test/e2e/**', 'local-cloud/cli/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
)
