import { runValidationFile } from "../../service/validate.js";
import { loadValidationFile } from "../../service/validation-file.js";
import { contextOf } from "../context.js";
import { EXIT } from "../exit-codes.js";
export function registerValidate(program, globals) {
    program
        .command("validate")
        .argument("<files...>", "SpiceDB validation files (.yaml)")
        .description("run SpiceDB validation files: schema, relationships, assertions and expected relations")
        .action(async (files) => {
        const context = contextOf(globals());
        const reports = files.map((file) => runValidationFile(loadValidationFile(file)));
        const failed = reports.some((r) => r.failures.length > 0);
        context.out.result(() => reports
            .map((r) => r.failures.length === 0
            ? `${r.file}: ok (${r.checked} checks)`
            : [
                `${r.file}: ${r.failures.length} of ${r.checked} checks failed`,
                ...r.failures.map((f) => `  ${f.file}:${f.line}:${f.column}: ${f.message}`),
            ].join("\n"))
            .join("\n"), { ok: !failed, files: reports });
        if (failed)
            process.exitCode = EXIT.negative;
    });
}
//# sourceMappingURL=validate.js.map