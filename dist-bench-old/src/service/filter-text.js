import { GatehouseError } from "../model/errors.js";
import { parseObject, parseSubject } from "../model/relationship.js";
/** zed's positional filter: `TYPE[:ID] [RELATION] [SUBJECT_TYPE[:ID[#RELATION]]]`. */
export function parseFilter(resource, relation, subject) {
    const filter = {};
    if (resource !== undefined) {
        if (resource.includes(":")) {
            const object = parseObject(resource, { field: "resource" }, "resource");
            filter.resourceType = object.type;
            filter.resourceId = object.id;
        }
        else
            filter.resourceType = resource;
    }
    if (relation !== undefined && relation !== "")
        filter.relation = relation;
    if (subject !== undefined) {
        if (subject.includes(":")) {
            const ref = parseSubject(subject, { field: "subject" });
            filter.subjectType = ref.type;
            filter.subjectId = ref.id;
            if (subject.includes("#"))
                filter.subjectRelation = ref.relation ?? null;
        }
        else if (subject.includes("#")) {
            throw new GatehouseError("usage", `subject filter \`${subject}\`: a subject relation needs an id (type:id#relation)`);
        }
        else
            filter.subjectType = subject;
    }
    return filter;
}
//# sourceMappingURL=filter-text.js.map