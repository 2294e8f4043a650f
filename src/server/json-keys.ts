import type { FastifyInstance } from "fastify";
import { inputError } from "../model/errors.js";

/** One object or array being read: an object's keys so far (and its last), or an array's element index. */
interface Frame {
  /** Undefined for an array. A set: an object of n keys is checked in n steps, not n² (a body of many keys was a CPU sink). */
  readonly keys: Set<string> | undefined;
  last: string;
  index: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The field path of a key inside the frames, as validation errors name fields (`updates[2].operation`). */
function fieldOf(stack: readonly Frame[], key: string): string {
  let path = "";
  for (const frame of stack.slice(0, -1)) {
    if (frame.keys === undefined) path += `[${frame.index}]`;
    else {
      const name = frame.last;
      path += path === "" ? name : `.${name}`;
    }
  }
  return path === "" ? key : `${path}.${key}`;
}

/**
 * The first key that appears twice in one object of a JSON text, with its field path; undefined
 * when there is none. `text` must be valid JSON (it is read after `JSON.parse` accepted it).
 * Keys are compared decoded (`"a"` and `"\u0061"` are one key), as a parser sees them.
 */
export function duplicateKey(text: string): { key: string; field: string } | undefined {
  const stack: Frame[] = [];
  let expectingKey = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // The closing quote: the next one not escaped (an odd run of backslashes escapes it).
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
      }
      if (expectingKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        // INVARIANT: a key is expected only inside an object.
        const frame = stack.at(-1)!;
        const keys = frame.keys!;
        if (keys.has(key)) return { key, field: fieldOf(stack, key) };
        keys.add(key);
        frame.last = key;
        expectingKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), last: "", index: 0 });
      expectingKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push({ keys: undefined, last: "", index: 0 });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const frame = stack.at(-1)!;
      if (frame.keys !== undefined) expectingKey = true;
      else frame.index++;
    }
  }
  return undefined;
}

/**
 * JSON bodies with a key twice in one object are refused (400 naming the key and its field):
 * a parser takes the last, and a proxy or firewall in front may have judged the request by the
 * first. The default parser (with its prototype-poisoning checks) still parses; this only adds
 * the check on what it accepted.
 */
export function refuseDuplicateKeys(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      const duplicate = duplicateKey(body as string);
      if (duplicate !== undefined)
        return done(
          inputError(
            `duplicate key \`${duplicate.key}\` in the JSON body: each key may appear once in an object`,
            { field: duplicate.field },
          ),
          undefined,
        );
      done(null, value);
    });
  });
}
