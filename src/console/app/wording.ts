/**
 * The API's messages speak to every surface, and some end in the command a CLI user would run
 * (`gatehouse change approve 13 --as NAME`). In the console the same step is a button on a
 * page: these rewrite each command into the console action that does it, so a reviewer is never
 * told to run something (issue 19).
 */

type Rewrite = readonly [RegExp, (...groups: string[]) => string];

const REWRITES: readonly Rewrite[] = [
  [
    /`gatehouse change approve (\d+)[^`]*`/g,
    (id) => `another person approves it with Approve on change ${id}'s page, signed in with their own token`,
  ],
  [/`gatehouse change plan (\d+)[^`]*`/g, (id) => `Plan again on change ${id}'s page`],
  [/`gatehouse change apply (\d+)[^`]*`/g, (id) => `Apply on change ${id}'s page`],
  [/`gatehouse change reject (\d+)[^`]*`/g, (id) => `Reject on change ${id}'s page, with a reason`],
  [/`gatehouse change show (\d+)[^`]*`/g, (id) => `open change ${id} under Changes`],
  [/`gatehouse change list[^`]*`/g, () => "the Changes list"],
  [/`gatehouse shadow start[^`]*`/g, () => "start a shadow evaluation of a planned model change"],
  [/`gatehouse rollout rollback[^`]*`/g, () => "Roll back under Shadow & rollout"],
  [/`gatehouse rollout[^`]*`/g, () => "the Shadow & rollout page"],
  [/`gatehouse audit verify[^`]*`/g, () => "Verify under Audit trail"],
  // An approval names its plan; in the console it is the plan shown on the change's page.
  [/ and approve it with `--plan ([^`]+)`/g, (plan) => ` and approve plan ${plan} there`],
];

/** Any other command is named by what it does, never as a command to run. */
const ANY_COMMAND = /`gatehouse ([a-z-]+)(?: ([a-z-]+))?[^`]*`/g;

export function consoleWording(message: string): string {
  let out = message;
  for (const [pattern, phrase] of REWRITES)
    out = out.replace(pattern, (_match, ...groups: unknown[]) => phrase(...groups.map(String)));
  return out.replace(ANY_COMMAND, (_match, noun: string, verb: string | undefined) =>
    verb ? `the ${noun} ${verb} step (an operator's command)` : `the ${noun} step (an operator's command)`,
  );
}
