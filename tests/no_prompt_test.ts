// Node code cannot gain a permission by prompting: a user's script (fixtures/prompt_script.ts)
// runs the actor engine under a pseudo-terminal, answering "y" to every prompt, with node code
// that reads env and writes a file. Where prompts could appear the Workers are refused with a
// message naming the fix; where prompts are visibly off they start and are refused the
// operations. Either way nothing is granted, nothing is written, no prompt is shown.
import assert from "node:assert/strict";

/**
 * Runs argv[1:] on a pseudo-terminal (stdin, stdout and stderr), answers "y" to each
 * permission prompt, kills it after 60 s; prints what it printed, exits with its status.
 * DENO_NO_PROMPT is set to 1 when GOSSIM_PTY_NO_PROMPT is 1, else removed.
 */
const DRIVER = `
import os, pty, select, signal, sys, time
if os.environ.pop("GOSSIM_PTY_NO_PROMPT", "0") == "1":
    os.environ["DENO_NO_PROMPT"] = "1"
else:
    os.environ.pop("DENO_NO_PROMPT", None)
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out, answered, deadline = b"", 0, time.time() + 60
while True:
    if time.time() > deadline:
        os.kill(pid, signal.SIGKILL)
        out += b"\\nDRIVER: killed after 60 s\\n"
        break
    ready, _, _ = select.select([fd], [], [], 0.5)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    while out.count(b"Allow?") > answered:
        os.write(fd, b"y\\n")
        answered += 1
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status) & 0xff)
`;

const root = new URL("../", import.meta.url);
const script = decodeURIComponent(new URL("./fixtures/prompt_script.ts", import.meta.url).pathname);

/** Whether python3 with its pty module is there to drive a pseudo-terminal. */
function havePty(): boolean {
  if (Deno.build.os === "windows") return false;
  try {
    return new Deno.Command("python3", {
      args: ["-c", "import pty"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** The script under a pseudo-terminal with these deno flags: what it printed. */
async function underPty(flags: string[], noPromptEnv: boolean, target: string): Promise<string> {
  const args = ["-c", DRIVER, Deno.execPath(), "run", ...flags, script, target];
  const { stdout, stderr } = await new Deno.Command("python3", {
    args,
    cwd: root,
    env: { GOSSIM_PTY_NO_PROMPT: noPromptEnv ? "1" : "0", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(90_000),
  }).output();
  return new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
}

const base = ["--allow-read", "--unstable-worker-options"];
const cases: { name: string; flags: string[]; noPromptEnv: boolean; expected: RegExp }[] = [
  { name: "prompts on", flags: base, noPromptEnv: false, expected: /Cannot start node Workers/ },
  {
    name: "--no-prompt, invisible without --allow-all",
    flags: ["--no-prompt", ...base],
    noPromptEnv: false,
    expected: /Cannot start node Workers/,
  },
  { name: "--allow-all, prompts on", flags: ["-A"], noPromptEnv: false, expected: /Cannot start/ },
  {
    name: "DENO_NO_PROMPT=1, readable",
    flags: ["--allow-env=DENO_NO_PROMPT", ...base],
    noPromptEnv: true,
    expected: /NotCapable: .*Requires env access/,
  },
  {
    name: "--no-prompt with --allow-all",
    flags: ["--no-prompt", "-A", "--unstable-worker-options"],
    noPromptEnv: false,
    expected: /NotCapable: .*Requires env access/,
  },
];

Deno.test({
  name: "under a terminal, node code is never granted a permission by answering a prompt",
  ignore: !havePty(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gossim-no-prompt-" });
    try {
      for (const { name, flags, noPromptEnv, expected } of cases) {
        const target = `${dir}/${name.replaceAll(/\W+/g, "-")}.txt`;
        const output = await underPty(flags, noPromptEnv, target);
        assert.match(output, /RESULT failed: NotCapable: /, `${name}:\n${output}`);
        assert.match(output, expected, `${name}:\n${output}`);
        if (/Cannot start/.test(expected.source)) {
          assert.match(output, /DENO_NO_PROMPT=1/, `${name}: the message names the fix`);
        }
        assert.doesNotMatch(output, /Deno requests|Granted|Allow\?/, `${name}:\n${output}`);
        await assert.rejects(Deno.stat(target), Deno.errors.NotFound, `${name}: file written`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
