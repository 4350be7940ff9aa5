// Lint: typescript-eslint with type information, and Pulumi's rules for Outputs in template literals.
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "policies/node_modules/", "bin/", ".bench/", "**/*.mjs", "provider-check/"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      // Dynamic providers and tool mains implement promise-returning interfaces, awaiting or not.
      "@typescript-eslint/require-await": "off",
      // `const { secret: _secret, ...rest } = x` drops a field on purpose.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Dynamic providers are serialized into state by value: they must require() inside their methods.
    files: ["resources/roleSetting.ts", "resources/superuserPassword.ts", "src/dynamic/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The launcher and what it loads are CommonJS JavaScript: they run before anything is transpiled.
    files: ["tools/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Tests reshape config objects freely (prodWith((v) => …)): the any-flow rules would only add casts.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
);
