import { keepToken } from "./api.js";
import { loadAudit, setUpAudit } from "./audit.js";
import "./change-page.js";
import { loadChanges } from "./changes.js";
import { setUpDecisions } from "./decisions.js";
import { byId, onSubmit } from "./dom.js";
import { setUpExplain } from "./explain.js";
import { setUpIncident } from "./incident.js";
import { setUpLookups } from "./lookups.js";
import { checkOnShow, setUpPropose } from "./propose.js";
import { setUpRelationships } from "./relationships.js";
import { loadRollout, setUpRollout } from "./rollout.js";
import { onShowTab, setUpTabs } from "./tabs.js";
import { forgetTenants, loadTenants } from "./tenants.js";

/** The console's entry point (index.html loads it as a module): the pages and their forms. */

onShowTab("changes", loadChanges);
onShowTab("propose", checkOnShow);
onShowTab("rollout", loadRollout);
onShowTab("audit", loadAudit);
onShowTab("tenants", loadTenants);

keepToken();
// Another token may see other tenants.
byId("token", HTMLInputElement).addEventListener("change", forgetTenants);
setUpTabs();
setUpExplain();
setUpLookups();
setUpRelationships();
onSubmit(byId("changes-form", HTMLFormElement), loadChanges);
setUpPropose();
setUpDecisions();
setUpIncident();
setUpRollout();
setUpAudit();
