import { inputError } from "../../model/errors.js";
/** `type:id`, as region objects are named; a subject wildcard is `type:*`. */
export function checkRegionObjects(objects) {
    if (!Array.isArray(objects))
        throw inputError("invalid region: expected a list of objects", { field: "region.objects" });
    objects.forEach((object, i) => {
        if (typeof object !== "string" || object.indexOf(":") < 1) {
            throw inputError(`invalid region object \`${String(object)}\`: expected \`type:id\``, {
                field: `region.objects[${i}]`,
            });
        }
    });
}
//# sourceMappingURL=region-checks.js.map