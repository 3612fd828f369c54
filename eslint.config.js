import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The layers of src/ (README, "Layers"): what a file may import, by the folder it lives in. An import is
// matched on its text: a relative path that climbs (`../`) into a folder of src/ names that folder.
const climbsInto = (...names) => `^(\\.\\./)+(${names.join("|")})(/|$)`;
const notTests = {
  regex: climbsInto("test", "bench", "scripts"),
  message: "Product code never imports tests, benchmarks or scripts.",
};
const standIns = {
  regex: climbsInto("local", "demo"),
  message:
    "Stand-ins (src/local) and the demo (src/demo) stay out of product paths: only src/commands/demo.ts runs the demo.",
};
const faces = {
  regex: climbsInto("functions", "commands", "cli\\.js"),
  message: "Faces (src/functions, src/commands, src/cli.ts) are the top layer: nothing below imports them.",
};
const adapters = ["logs", "recovery", "store", "delivery"];
const pure = "src/domain is pure: it imports only src/domain.";
const noPackages = {
  regex: "^(?!node:|\\.)",
  message: "src/domain is pure: no packages (node builtins aside).",
};
const layer = (files, ...patterns) => ({
  files,
  rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] },
});
const layers = [
  // src/domain is pure: nothing of ours outside it (a climb out of the folder), no package (node builtins aside).
  layer(["src/domain/*.ts"], { regex: "^\\.\\./", message: pure }, noPackages),
  layer(["src/domain/*/**/*.ts"], { regex: "^(\\.\\./){2}", message: pure }, noPackages),
  ...adapters.map((adapter) =>
    layer(
      [`src/${adapter}/**/*.ts`],
      {
        regex: climbsInto(...adapters.filter((a) => a !== adapter)),
        message: `An adapter (src/${adapter}) does not import another adapter: the pipeline composes them.`,
      },
      {
        regex: climbsInto("pipeline"),
        message: `An adapter (src/${adapter}) does not import the pipeline above it.`,
      },
      {
        regex: climbsInto("config\\.js"),
        allowTypeImports: true,
        message:
          "Settings are parsed once, in src/config.ts: an adapter imports only its types and is handed the values.",
      },
      faces,
      standIns,
      notTests,
    ),
  ),
  layer(["src/pipeline/**/*.ts"], faces, standIns, notTests),
  layer(
    ["src/functions/**/*.ts"],
    {
      regex: climbsInto("commands", "cli\\.js"),
      message: "Functions and the CLI are separate faces: share code through src/pipeline or below.",
    },
    standIns,
    notTests,
  ),
  layer(
    ["src/commands/**/*.ts"],
    {
      regex: climbsInto("functions"),
      message: "Functions and the CLI are separate faces: share code through src/pipeline or below.",
    },
    standIns,
    notTests,
  ),
  layer(
    ["src/commands/demo.ts"],
    {
      regex: climbsInto("functions"),
      message: "Functions and the CLI are separate faces: share code through src/pipeline or below.",
    },
    { regex: climbsInto("local"), message: "The demo command runs src/demo, which wires the stand-ins." },
    notTests,
  ),
  layer(["src/demo/**/*.ts", "src/local/**/*.ts"], faces, notTests),
  layer(["src/config.ts"], {
    regex: "^\\./(?!domain/)",
    message: "src/config.ts parses settings into domain types: it imports only src/domain.",
  }),
  layer(["src/cli.ts"], {
    regex: "^\\./(?!commands/|config\\.js$)",
    message: "src/cli.ts hands over to src/commands.",
  }),
];

export default tseslint.config(
  {
    ignores: ["dist/", "node_modules/", "coverage/", "out/", "*.config.js"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    // Tests read response bodies and cards through JSON.parse (typed any) and assert on them directly.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
  ...layers,
);
