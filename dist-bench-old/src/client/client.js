/**
 * A typed client for Gatehouse's HTTP API. It has no dependencies beyond `fetch` (Node 20+,
 * browsers), and it keeps the newest revision it has seen: with `consistency: "session"` every
 * query asks for at least that revision, so a caller always reads its own writes, even when
 * its requests land on different nodes.
 */
/** A non-2xx answer: `status` and the server's error body. `retryable` for 503s. */
export class GatehouseApiError extends Error {
    status;
    body;
    constructor(status, body) {
        super(`${status} ${body.kind}: ${body.message}`);
        this.status = status;
        this.body = body;
        this.name = "GatehouseApiError";
    }
    get retryable() {
        return this.status === 503;
    }
}
export class GatehouseClient {
    url;
    token;
    session;
    fetcher;
    /** The newest revision this client has written or been answered at. */
    revision = 0;
    constructor(options) {
        this.url = options.url.replace(/\/$/, "");
        this.token = options.token;
        this.session = (options.consistency ?? "session") === "session";
        this.fetcher = options.fetch ?? fetch;
    }
    consistency() {
        return this.session && this.revision > 0 ? { atLeastRevision: this.revision } : {};
    }
    seen(answer) {
        if (typeof answer.revision === "number" && answer.revision > this.revision)
            this.revision = answer.revision;
        return answer;
    }
    async request(method, path, body) {
        const response = await this.fetcher(`${this.url}${path}`, {
            method,
            headers: {
                authorization: `Bearer ${this.token}`,
                ...(body !== undefined ? { "content-type": "application/json" } : {}),
            },
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        const text = await response.text();
        const parsed = text ? JSON.parse(text) : {};
        if (!response.ok)
            throw new GatehouseApiError(response.status, parsed.error ?? { kind: "unknown", message: text });
        return parsed;
    }
    tenantPath(tenant, rest) {
        return `/v1/tenants/${encodeURIComponent(tenant)}/${rest}`;
    }
    // ---- queries ----
    async check(tenant, input) {
        return this.seen(await this.request("POST", this.tenantPath(tenant, "check"), { ...input, ...this.consistency() }));
    }
    async checkMany(tenant, checks) {
        return this.seen(await this.request("POST", this.tenantPath(tenant, "checks"), { checks, ...this.consistency() }));
    }
    async explain(tenant, input) {
        return this.seen(await this.request("POST", this.tenantPath(tenant, "explain"), { ...input, ...this.consistency() }));
    }
    async lookupResources(tenant, resourceType, permission, subject) {
        return this.seen(await this.request("POST", this.tenantPath(tenant, "lookup-resources"), {
            resourceType,
            permission,
            subject,
            ...this.consistency(),
        }));
    }
    async lookupSubjects(tenant, resource, permission, subjectType, subjectRelation) {
        return this.seen(await this.request("POST", this.tenantPath(tenant, "lookup-subjects"), {
            resource,
            permission,
            subjectType,
            ...(subjectRelation ? { subjectRelation } : {}),
            ...this.consistency(),
        }));
    }
    // ---- data ----
    async writeRelationships(tenant, updates) {
        return this.seen(await this.request("POST", this.tenantPath(tenant, "relationships"), { updates }));
    }
    async readRelationships(tenant, filter = {}) {
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(filter))
            if (value !== undefined)
                query.set(key, String(value));
        return this.request("GET", `${this.tenantPath(tenant, "relationships")}${query.size ? `?${query}` : ""}`);
    }
    async importRelationships(tenant, lines) {
        return this.seen(await this.request("POST", this.tenantPath(tenant, "import"), { relationships: lines }));
    }
    async readSchema() {
        return this.request("GET", "/v1/schema");
    }
    async writeSchema(schema) {
        return this.seen(await this.request("PUT", "/v1/schema", { schema }));
    }
    // ---- changes ----
    async proposeChange(tenant, file) {
        return this.request("POST", this.tenantPath(tenant, "changes"), { file });
    }
    async planChange(id) {
        return this.request("POST", `/v1/changes/${id}/plan`);
    }
    async approveChange(id, comment) {
        return this.request("POST", `/v1/changes/${id}/approve`, comment ? { comment } : {});
    }
    async applyChange(id) {
        return this.seen(await this.request("POST", `/v1/changes/${id}/apply`));
    }
    async revertChange(id, reason) {
        return this.request("POST", `/v1/changes/${id}/revert`, reason ? { reason } : {});
    }
    async getChange(id) {
        return this.request("GET", `/v1/changes/${id}`);
    }
    // ---- subject and tenant lifecycle ----
    /** Proposes the soft deletion of a subject (`account:a1`) in a tenant. */
    async deleteSubject(tenant, subject, reason) {
        return this.request("POST", this.tenantPath(tenant, "subjects/delete"), {
            subject,
            ...(reason ? { reason } : {}),
        });
    }
    async restoreSubject(tenant, subject, reason) {
        return this.request("POST", this.tenantPath(tenant, "subjects/restore"), {
            subject,
            ...(reason ? { reason } : {}),
        });
    }
    /** Writes the export bundle (on the server) and proposes the purge; refused inside the retention window. */
    async purgeSubject(tenant, subject, reason) {
        return this.request("POST", this.tenantPath(tenant, "subjects/purge"), {
            subject,
            ...(reason ? { reason } : {}),
        });
    }
    async mergeSubject(tenant, from, into, reason) {
        return this.request("POST", this.tenantPath(tenant, "subjects/merge"), {
            from,
            into,
            ...(reason ? { reason } : {}),
        });
    }
    async deleteTenant(tenant, reason) {
        return this.request("POST", this.tenantPath(tenant, "lifecycle/delete"), reason ? { reason } : {});
    }
    async restoreTenant(tenant, reason) {
        return this.request("POST", this.tenantPath(tenant, "lifecycle/restore"), reason ? { reason } : {});
    }
    async purgeTenant(tenant, reason) {
        return this.request("POST", this.tenantPath(tenant, "lifecycle/purge"), reason ? { reason } : {});
    }
    async retention() {
        return this.request("GET", "/v1/retention");
    }
    async setRetention(days, reason) {
        return this.request("PUT", "/v1/retention", { days, ...(reason ? { reason } : {}) });
    }
    // ---- rollout ----
    async startRollout(input) {
        return this.request("POST", "/v1/rollout/start", input);
    }
    async promoteRollout(input = {}) {
        return this.seen(await this.request("POST", "/v1/rollout/promote", input));
    }
    async rollbackRollout(reason) {
        return this.request("POST", "/v1/rollout/rollback", reason ? { reason } : {});
    }
    async rolloutStatus() {
        return this.request("GET", "/v1/rollout");
    }
    // ---- audit (admin) ----
    /** Audit records, oldest first (the server returns at most 1000 unless `limit` says otherwise). */
    async listAudit(filter = {}) {
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(filter))
            if (value !== undefined)
                query.set(key, String(value));
        return this.request("GET", `/v1/audit${query.size ? `?${query}` : ""}`);
    }
    /** Walks the audit log's hash chain: `ok`, or the first record edited, removed or reordered. */
    async verifyAudit() {
        return this.request("GET", "/v1/audit/verify");
    }
    // ---- shadow evaluation and replay ----
    async startShadow(change, reason) {
        return this.request("POST", "/v1/shadow/start", reason ? { change, reason } : { change });
    }
    async stopShadow(reason) {
        return this.request("POST", "/v1/shadow/stop", reason ? { reason } : {});
    }
    /** The running session's report, else the newest (or the one named). */
    async shadowReport(session) {
        return this.request("GET", `/v1/shadow${session !== undefined ? `?session=${session}` : ""}`);
    }
    /** Replays recorded decisions (of the last `since`, e.g. `24h`) against a change. */
    async replay(change, since) {
        return this.request("POST", "/v1/replay", since !== undefined ? { change, since } : { change });
    }
    // ---- decision log and incident reports (approve) ----
    /** A tenant's recorded checks, oldest first, filtered (at most `limit`, default 1000). */
    async decisions(tenant, filter = {}) {
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(filter))
            if (value !== undefined)
                query.set(key, String(value));
        return this.request("GET", this.tenantPath(tenant, `decisions${query.size ? `?${query}` : ""}`));
    }
    /**
     * Who gained and who lost access through a change (or between two revisions), per tenant,
     * and which of those accesses were used or denied while it was live.
     */
    async incidentReport(selector) {
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(selector))
            query.set(key, String(value));
        return this.request("GET", `/v1/incident-report?${query}`);
    }
}
//# sourceMappingURL=client.js.map