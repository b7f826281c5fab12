// The planning-session page: one opportunity on the screen, its map, scores,
// health, win steps, four questions and prompts; click a person to see their ties
// and record what happened. Every screen on the same deal hears each other's
// edits through the GraphQL subscription and re-reads what it shows.
"use strict";

// The page's words come from the one translation catalogue (i18n/*.ftl), served
// as /assets/words.js; a word with variables is filled by `t(key, { name })`.
const WORDS = window.GUANXI_WORDS || { en: {}, zh: {} };

// A sign-on token lives in this tab's session storage (gone when the tab
// closes); an API token typed in stays in local storage, as before.
const SIGNED_ON = "guanxi.signon";
const PENDING = "guanxi.signon.pending";
const signedOn = () => { try { return JSON.parse(sessionStorage.getItem(SIGNED_ON)); } catch { return null; } };

const state = {
  lang: localStorage.getItem("guanxi.lang") || "en",
  token: (signedOn() || {}).token || localStorage.getItem("guanxi.token") || "",
  signOn: null,
  accounts: [], employees: [], kinds: [], stages: [], strengths: [], chain: new Set(), ties: [],
  roles: [], influences: [], attitudes: [], members: new Map(), departments: [], levels: [], accountPeople: [],
  account: null, opportunity: null, person: null, view: "deal", socket: null, retry: 1000, reload: null,
};
const $ = (id) => document.getElementById(id);
const t = (key, args) => {
  const word = WORDS[state.lang][key] ?? WORDS.en[key] ?? key;
  return typeof word === "string" && args ? word.replace(/\{\$(\w+)\}/g, (_, name) => String(args[name] ?? "")) : word;
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

// A refusal in the page's language: the server gives it in Chinese too where
// it can (extensions.messageZh), without the field's name, which the page shows
// beside the field.
const refusal = (e) => (state.lang === "zh" && e.extensions && e.extensions.messageZh) || e.message;

class ApiError extends Error {
  constructor(errors) { super(errors.map(refusal).join("; ")); this.errors = errors; }
}

async function gql(query, variables = {}) {
  // This screen's own writes come back as live events too: their toast has
  // already said what happened.
  if (query.trimStart().startsWith("mutation")) state.wroteAt = Date.now();
  const headers = { "content-type": "application/json" };
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  if (response.status === 401 || response.status === 403) {
    const refused = await response.json().catch(() => ({}));
    const first = (refused.errors || [])[0] || {};
    const code = (first.extensions || {}).code;
    if (code === "TOKEN_EXPIRED" && signedOn()) { forgetSignOn(); await askToSignIn(t("expired")); }
    else await askToSignIn(response.status === 403 ? first.message : "");
    const err = new ApiError([{ message: first.message || t("token-needed") }]);
    err.shown = true; // on the sign-in bar, in the reader's words
    throw err;
  }
  const body = await response.json();
  if (body.errors && body.errors.length) throw new ApiError(body.errors);
  return body.data;
}

function toast(text, action) {
  const box = $("toast");
  box.replaceChildren(text);
  if (action) {
    const b = el("button", { type: "button", class: "toast-action", text: action.label });
    b.addEventListener("click", () => { box.hidden = true; action.run(); });
    box.append(" ", b);
  }
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => { box.hidden = true; }, action ? 10000 : 3500);
}

// Deleting keeps the record restorable (the server's window, 30 days by
// default): the toast offers the undo at once, the account view lists the rest.
async function deletePerson() {
  const id = state.person;
  const name = $("person-name").textContent;
  if (!id || !window.confirm(t("confirm-delete", { n: name }))) return;
  try {
    await gql("mutation($id: ID!) { deletePerson(id: $id) { id } }", { id });
    closePerson();
    toast(t("deleted", { n: name }), { label: t("undo"), run: () => restore("restorePerson", id, name) });
    await refreshView();
  } catch (e) { toast(e.message); }
}

async function restore(mutation, id, name) {
  try {
    await gql(`mutation($id: ID!) { ${mutation}(id: $id) { id } }`, { id });
    toast(t("restored", { n: name }));
    await refreshView();
  } catch (e) { toast(e.message); }
}

async function mergePeople(keep, drop) {
  if (!window.confirm(t("confirm-merge", { keep: keep.name, drop: drop.name }))) return;
  try {
    await gql("mutation($k: ID!, $d: ID!) { mergePeople(keep: $k, drop: $d) { id } }", { k: keep.id, d: drop.id });
    toast(t("merged", { n: keep.name }));
    await refreshView();
  } catch (e) { toast(e.message); }
}

function refreshView() {
  return state.view === "account" ? loadAccountView() : loadOpportunity();
}

function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-t-label]")) node.setAttribute("aria-label", t(node.dataset.tLabel));
  for (const node of document.querySelectorAll("[data-t-title]")) node.setAttribute("title", t(node.dataset.tTitle));
  $("lang-en").classList.toggle("on", state.lang === "en");
  $("lang-zh").classList.toggle("on", state.lang === "zh");
}

const label = (term) => (state.lang === "zh" && term.labelZh) || term.label;

async function loadStart() {
  const data = await gql(`{
    accounts(first: 100) { nodes { id name opportunities { id name stage } } }
    employees(includeDeparted: false) { id name }
    methodology { vocabularies { name terms { id label labelZh } } strengthScale { value label labelZh }
      influenceScale { value label labelZh } attitudeScale { value label labelZh } }
  }`);
  state.accounts = data.accounts.nodes;
  state.employees = data.employees;
  const vocabulary = (name) => (data.methodology.vocabularies.find((v) => v.name === name) || { terms: [] }).terms;
  state.kinds = vocabulary("interaction_kinds");
  state.stages = vocabulary("stages");
  state.strengths = data.methodology.strengthScale;
  state.roles = vocabulary("buying_roles");
  state.departments = vocabulary("departments");
  state.levels = vocabulary("levels");
  state.influences = data.methodology.influenceScale;
  state.attitudes = data.methodology.attitudeScale;
  const wanted = new URLSearchParams(location.hash.slice(1)).get("opportunity");
  const withDeal = state.accounts.find((a) => a.opportunities.some((o) => o.id === wanted))
    || state.accounts.find((a) => a.opportunities.length) || state.accounts[0];
  fillAccounts(withDeal && withDeal.id);
  if (withDeal) selectAccount(withDeal.id, wanted);
}

function fillAccounts(selected) {
  const pick = $("account");
  pick.replaceChildren(...state.accounts.map((a) => el("option", { value: a.id, text: a.name })));
  if (selected) pick.value = selected;
}

function selectAccount(id, opportunity) {
  state.account = state.accounts.find((a) => a.id === id);
  const pick = $("opportunity");
  pick.replaceChildren(...state.account.opportunities.map((o) => el("option", { value: o.id, text: o.name })));
  const chosen = state.account.opportunities.find((o) => o.id === opportunity) || state.account.opportunities[0];
  if (chosen) { pick.value = chosen.id; selectOpportunity(chosen.id); }
  else { state.opportunity = null; state.chain = new Set(); state.opportunityName = ""; closePerson(); }
}

function selectOpportunity(id) {
  state.opportunity = id;
  history.replaceState(null, "", `#opportunity=${id}`);
  closePerson();
  listen();
  return loadOpportunity();
}

const SCORE_KEYS = ["keyPerson", "decisionChain", "account", "employee", "ourCompany", "competitor"];
const SCORE_FIELDS = "value explanation { summary(lang: $lang) formula(lang: $lang) inputs { name(lang: $lang) value note(lang: $lang) } }";

async function loadOpportunity() {
  const lang = state.lang.toUpperCase();
  const data = await gql(`query($id: ID!, $lang: Lang!) { opportunity(id: $id) {
      id name stage amount currency amountText(lang: $lang) expectedSignDate owner { name }
      budget { status amount currency amountText(lang: $lang) confirmedOn } compellingEvent { what by }
      map(lang: $lang)
      health { score breakdown { name weight value points } }
      scores { ${SCORE_KEYS.map((k) => `${k} { ${SCORE_FIELDS} }`).join(" ")} }
      winSteps { id label labelZh status required }
      qualification { questionId question questionZh answer evidence { name value label(lang: $lang) shown(lang: $lang) } }
      decisionChain { person { id } buyingRole influence attitude favouredCompetitor { id } note primary }
      recordedAnswers { questionId answer evidence }
      coachingPrompts(lang: $lang, first: 8) { severity text action introductionPath { description }
        priority { value severity personWeight stake urgency } }
  } }`, { id: state.opportunity, lang });
  const o = data.opportunity;
  if (!o) return;
  state.chain = new Set(o.decisionChain.map((m) => m.person && m.person.id).filter(Boolean));
  state.members = new Map(o.decisionChain.filter((m) => m.person).map((m) => [m.person.id, m]));
  state.opportunityName = o.name;
  $("deal-title").textContent = o.name;
  const stage = state.stages.find((x) => x.id === o.stage);
  // Each fact as the reader's language writes it: "阶段：招投标与谈判", amounts in 万元.
  const fact = (what, value) => `${t(what)}${t("colon")}${value}`;
  const when = (d) => t("dated", { day: d });
  $("deal-meta").textContent = [
    fact("stage", stage ? label(stage) : o.stage),
    fact("amount", o.amountText),
    o.owner ? fact("owner", o.owner.name) : null,
    o.expectedSignDate,
    fact("budget", t("budget-status")[o.budget.status] + (o.budget.amountText ? ` ${o.budget.amountText}` : "")
      + (o.budget.confirmedOn ? when(o.budget.confirmedOn) : "")),
    o.compellingEvent ? fact("event", o.compellingEvent.what + (o.compellingEvent.by ? when(o.compellingEvent.by) : "")) : null,
  ].filter(Boolean).join(" · ");
  // The map is SVG written by the server with every text escaped.
  if (state.view === "deal") showMap(o.map);
  else await loadAccountView();
  if (state.person) markSelected(state.person);
  showHealth(o.health);
  showScores(o.scores);
  showPrompts(o.coachingPrompts);
  showSteps(o.winSteps);
  showQuestions(o.qualification, o.recordedAnswers);
  if (state.person && !$("person-panel").hidden) fillChainForm(true);
}

// Win steps are ticked where they are read; a tick is undone by the opposite
// tick, itself a write in the trail.
// A list is drawn again only when what it shows changed: a live refresh does
// not close a dropdown someone has open or move their cursor.
function unchanged(box, ...what) {
  const drawn = JSON.stringify([state.lang, state.opportunity, ...what]);
  if (box.dataset.drawn === drawn) return true;
  box.dataset.drawn = drawn;
  return false;
}

function showSteps(steps) {
  if (unchanged($("steps"), steps)) return;
  const focused = document.activeElement && document.activeElement.closest("#steps") ? document.activeElement.dataset.step : null;
  $("steps").replaceChildren(...steps.map((s) => {
    const text = state.lang === "zh" ? s.labelZh : s.label;
    const box = el("input", { type: "checkbox", "data-step": s.id, ...(s.status === "DONE" ? { checked: "" } : {}) });
    box.addEventListener("change", () => tickStep(s.id, text, box.checked));
    return el("li", {}, el("label", { class: "check" }, box,
      el("span", { class: `status ${s.status.toLowerCase()}`, text: t("statuses")[s.status] || s.status.toLowerCase() }),
      " ", text, s.required ? el("em", { text: ` (${t("required")})` }) : null));
  }));
  if (focused) { const again = document.querySelector(`#steps input[data-step="${focused}"]`); if (again) again.focus(); }
}

async function tickStep(stepId, text, done) {
  const opportunityId = state.opportunity;
  const tick = (d) => gql("mutation($input: TickWinStepInput!) { tickWinStep(input: $input) { id } }",
    { input: { opportunityId, stepId, done: d } });
  try {
    await tick(done);
    toast(t(done ? "stepTicked" : "stepUnticked", { s: text }), { label: t("undo"), run: () => undo(() => tick(!done)) });
  } catch (e) {
    toast(e.message);
    delete $("steps").dataset.drawn; // the box shows what is stored again
  }
  await loadOpportunity();
}

// Runs a compensating write and shows the result.
async function undo(write) {
  try {
    await write();
    toast(t("undone"));
    await reloadAll();
    if (state.person && !$("person-panel").hidden) {
      await openPerson(state.person, true);
      fillChainForm(false); // the place as it is stored again, not as it was typed
    }
  } catch (e) { toast(e.message); }
}

// The deal (which re-reads the chain and, in the whole-account view, the
// account) or, with no deal chosen, the view on screen.
const reloadAll = () => (state.opportunity ? loadOpportunity() : refreshView());

// The four questions, answered in the room with what the answer rests on. A
// recorded answer is undone by recording the one before it again.
function showQuestions(questions, recorded) {
  if (unchanged($("questions"), questions, recorded)) return;
  const zh = state.lang === "zh";
  const before = new Map(recorded.map((r) => [r.questionId, r]));
  // What someone is typing survives a live refresh and a language switch.
  const sameDeal = $("questions").dataset.deal === state.opportunity;
  $("questions").dataset.deal = state.opportunity;
  const typing = new Map(sameDeal ? [...document.querySelectorAll("#questions [data-dirty]")]
    .map((n) => [`${n.tagName}:${n.dataset.question || n.dataset.evidence}`, n.value]) : []);
  const active = document.activeElement && document.activeElement.closest("#questions") ? document.activeElement : null;
  const focused = active && `${active.tagName}:${active.dataset.question || active.dataset.evidence || active.dataset.answer}`;
  const caret = active && active.tagName === "INPUT" ? active.selectionStart : null;
  let refocus = null;
  const keepTyping = (n, key) => {
    if (typing.has(key)) { n.value = typing.get(key); n.dataset.dirty = "1"; }
    if (key === focused) refocus = n;
    for (const e of ["input", "change"]) n.addEventListener(e, () => { n.dataset.dirty = "1"; });
  };
  $("questions").replaceChildren(...questions.map((q) => {
    const text = zh ? q.questionZh : q.question;
    const previous = before.get(q.questionId);
    const pick = el("select", { "data-question": q.questionId, "aria-label": `${t("answer")}: ${text}` },
      ...["YES", "NO", "UNKNOWN"].map((a) => el("option", { value: a, text: t("answer-value")[a] })));
    pick.value = q.answer;
    const why = el("input", { "data-evidence": q.questionId, maxlength: "2000", "aria-label": `${t("evidence")}: ${text}`,
      placeholder: t("evidence") });
    why.value = previous && previous.evidence ? previous.evidence : "";
    keepTyping(pick, `SELECT:${q.questionId}`);
    keepTyping(why, `INPUT:${q.questionId}`);
    const save = el("button", { type: "button", "data-answer": q.questionId, text: t("save-answer"),
      "aria-label": `${t("save-answer")}: ${text}` });
    save.addEventListener("click", () => answerQuestion(q.questionId, text, pick.value, why.value, previous));
    return el("li", {},
      el("span", { class: `status ${q.answer}`, text: t("answer-value")[q.answer] }), " ", text,
      el("div", { class: "formula", text: q.evidence.map((e) => `${e.label} = ${e.shown}`).join(zh ? "；" : ", ") }),
      el("div", { class: "answer" }, pick, why, save));
  }));
  // A live refresh does not take the cursor away from whoever is typing.
  if (refocus) {
    refocus.focus();
    if (caret != null) refocus.setSelectionRange(caret, caret);
  }
}

async function answerQuestion(questionId, text, answer, evidence, previous) {
  const opportunityId = state.opportunity;
  const record = (a, e) => gql("mutation($input: AnswerQuestionInput!) { answerQuestion(input: $input) { id } }",
    { input: { opportunityId, questionId, answer: a, evidence: e || null } });
  try {
    await record(answer, evidence);
    for (const n of document.querySelectorAll(`#questions [data-question="${questionId}"], #questions [data-evidence="${questionId}"]`)) delete n.dataset.dirty;
    toast(t("answerSaved", { q: text }), previous
      ? { label: t("undo"), run: () => undo(() => record(previous.answer, previous.evidence)) } : undefined);
    await loadOpportunity();
  } catch (e) { toast(e.message); }
}

// A select's options are rebuilt only when they would differ (another language,
// another list): a live refresh leaves an open dropdown and its choice alone.
function options(select, make, ...what) {
  const drawn = JSON.stringify([state.lang, ...what]);
  if (select.dataset.drawn === drawn) return;
  const value = select.value;
  select.replaceChildren(...make());
  select.dataset.drawn = drawn;
  if (value) select.value = value;
}

// A person's place in the deal's decision chain, set from their panel: buying
// role, influence (or the org chart's) and attitude. Saving keeps what the
// form does not show (favoured competitor, note, primary contact).
function fillChainForm(keep) {
  const form = $("chain-form");
  form.hidden = !state.opportunity;
  if (form.hidden) return;
  const m = state.members.get(state.person);
  $("chain-title").textContent = m ? t("inChain", { d: state.opportunityName }) : t("addToChain", { d: state.opportunityName });
  $("chain-save").textContent = t(m ? "save-chain" : "add-chain");
  const kept = keep ? { role: $("chain-role").value, influence: $("chain-influence").value, attitude: $("chain-attitude").value } : null;
  options($("chain-role"), () => [el("option", { value: "", text: t("choose") }),
    ...state.roles.map((r) => el("option", { value: r.id, text: label(r) }))]);
  options($("chain-influence"), () => [el("option", { value: "", text: t("derived") }),
    ...state.influences.map((x) => el("option", { value: String(x.value), text: `${x.value} · ${label(x)}` }))]);
  options($("chain-attitude"), () => state.attitudes.map((x) =>
    el("option", { value: String(x.value), text: `${x.value > 0 ? "+" : ""}${x.value} · ${label(x)}` })));
  const shown = kept || { role: m ? m.buyingRole : "", influence: m && m.influence != null ? String(m.influence) : "",
    attitude: String(m ? m.attitude : 0) };
  $("chain-role").value = shown.role;
  $("chain-influence").value = shown.influence;
  $("chain-attitude").value = shown.attitude;
}

const memberInput = (personId, m) => ({ personId, buyingRole: m.buyingRole, influence: m.influence ?? null,
  attitude: m.attitude, favouredCompetitorId: m.favouredCompetitor ? m.favouredCompetitor.id : null,
  note: m.note ?? null, primary: m.primary ?? false });

async function submitChain(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!$("chain-role").value) {
    showErrors(form, { errors: [{ message: t("chooseRole"), extensions: { field: "buyingRole" } }] });
    return;
  }
  const opportunityId = state.opportunity;
  const personId = state.person;
  const name = $("person-name").textContent;
  const before = state.members.get(personId);
  const member = memberInput(personId, { ...(before || {}), buyingRole: $("chain-role").value,
    influence: $("chain-influence").value === "" ? null : Number($("chain-influence").value),
    attitude: Number($("chain-attitude").value) });
  const set = (m) => gql("mutation($o: ID!, $m: [DecisionChainMemberInput!]!) { setDecisionChain(opportunityId: $o, members: $m) { id } }",
    { o: opportunityId, m: [m] });
  try {
    await set(member);
    toast(t(before ? "chainSaved" : "chainAdded", { n: name }), { label: t("undo"), run: () => undo(() => before
      ? set(memberInput(personId, before))
      : gql("mutation($o: ID!, $p: ID!) { removeDecisionChainMember(opportunityId: $o, personId: $p) }", { o: opportunityId, p: personId })) });
    await Promise.all([reloadAll(), openPerson(personId, true)]);
    fillChainForm(false);
  } catch (e) { showErrors(form, e); }
}

// The relationship planning view: the whole account's map, what changed since
// the chosen day, and the improvement points.
async function loadAccountView() {
  const since = $("since").value || new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10);
  $("since").value = since;
  const data = await gql(`query($id: ID!, $lang: Lang!, $since: Date!) { account(id: $id) {
      map(lang: $lang)
      relationshipChanges(since: $since) {
        assessments { holder person before after movement on scoredBefore scoredAfter }
        newPeople { name title on } tiesGoneCold { employee person silentDays }
        peopleLeft { name on } employeesLeft { name on ties } }
      improvementPoints { id revision text status dueOn overdue owner { name } opportunity { name } }
      people { id name title }
    }
    likelyDuplicatePeople(account: $id) { person { id name title } sameAs { id name title } why }
    deletedRecords(account: $id) { entity recordId label deletedAt deletedBy }
  }`, { id: state.account.id, lang: state.lang.toUpperCase(), since });
  const a = data.account;
  if (!a || state.view !== "account") return;
  showMap(a.map);
  if (state.person) markSelected(state.person);
  const c = a.relationshipChanges;
  const list = (title, items) => [el("h4", { text: `${title} (${items.length})` }),
    el("ul", {}, ...(items.length ? items : [el("li", { text: t("none") })]))];
  // Beside the judgement, what it did to the scores where that reads
  // differently: a faded 4 re-assessed as 3 is down as a judgement, up in the scores.
  const scored = (x) => x.scoredBefore != null && x.scoredBefore !== x.before
    ? ` · ${t("inScores", { b: x.scoredBefore.toFixed(1), a: x.scoredAfter.toFixed(1) })}` : "";
  const moved = (m, cls) => c.assessments.filter((x) => x.movement === m).map((x) =>
    el("li", { class: cls, text: `${x.holder} – ${x.person}: ${x.before ?? "–"} → ${x.after} (${x.on})${scored(x)}` }));
  $("changes").replaceChildren(
    ...list(t("up"), moved("UP", "up")),
    ...list(t("down"), moved("DOWN", "down")),
    ...list(t("newTies"), moved("NEW", "")),
    ...list(t("newPeople"), c.newPeople.map((p) => el("li", { text: `${p.name}${p.title ? `, ${p.title}` : ""} (${p.on})` }))),
    ...list(t("cold"), c.tiesGoneCold.map((x) => el("li", { text: `${x.employee} – ${x.person}: ${x.silentDays} ${t("silent")}` }))),
    ...list(t("left"), [...c.peopleLeft.map((p) => el("li", { text: `${p.name} ${t("leftOn")} ${p.on}` })),
      ...c.employeesLeft.map((e) => el("li", { text: `${e.name} ${t("leftOn")} ${e.on}: ${e.ties.join(", ")}` }))]));
  const who = (p) => `${p.name}${p.title ? `, ${p.title}` : ""}`;
  $("duplicates").replaceChildren(...(data.likelyDuplicatePeople.length
    ? data.likelyDuplicatePeople.map((d) => {
      const b = el("button", { type: "button", class: "merge", text: t("merge-into", { n: d.person.name }) });
      b.addEventListener("click", () => mergePeople(d.person, d.sameAs));
      return el("li", {}, `${who(d.person)} · ${who(d.sameAs)}: ${d.why.map((w) => t("why")[w.replace(/ /g, "-")] || w).join(t("list-comma"))} `, b);
    })
    : [el("li", { text: t("none") })]));
  const restorers = { PERSON: "restorePerson", RELATIONSHIP: "restoreRelationship", INTERACTION: "restoreInteraction",
    IMPROVEMENT_POINT: "restoreImprovementPoint", OPPORTUNITY: "restoreOpportunity" };
  $("deleted").replaceChildren(...(data.deletedRecords.length
    ? data.deletedRecords.map((r) => {
      const b = el("button", { type: "button", class: "restore", text: t("restore") });
      b.addEventListener("click", () => restore(restorers[r.entity], r.recordId, r.label));
      return el("li", {}, `${r.label} · ${r.deletedBy} · ${r.deletedAt.slice(0, 10)} `, b);
    })
    : [el("li", { text: t("none") })]));
  // Drawn again only when the points changed: a live refresh does not take a
  // button from under someone's click.
  if (!unchanged($("points"), a.improvementPoints)) $("points").replaceChildren(...(a.improvementPoints.length ? a.improvementPoints.map((p) => {
    const close = (status) => {
      const word = t(status === "DONE" ? "mark-done" : "mark-dropped");
      const b = el("button", { type: "button", class: "restore", "data-point": p.id, "data-close": status,
        text: word, "aria-label": `${word}: ${p.text}` });
      b.addEventListener("click", () => closePoint(p, status));
      return b;
    };
    return el("li", { "data-point": p.id },
      el("span", { class: `status ${p.status.toLowerCase()}`, text: t("point-status")[p.status] || p.status.toLowerCase() }), " ", p.text,
      p.opportunity ? ` · ${p.opportunity.name}` : "",
      p.owner ? ` · ${p.owner.name}` : "", p.dueOn ? ` · ${t("due")} ${p.dueOn}` : "",
      p.overdue ? el("span", { class: "overdue", text: ` · ${t("overdue")}` }) : null,
      ...(p.status === "OPEN" ? [" ", close("DONE"), close("DROPPED")] : []));
  })
    : [el("li", { text: t("none") })]));
  fillPointForm();
  fillPersonForm(a.people);
}

// A new person goes into the org chart with their manager and the kind of line;
// the form keeps what was typed across refreshes and language switches.
function fillPersonForm(people) {
  if (people) state.accountPeople = people;
  options($("new-department"), () => [el("option", { value: "", text: t("choose") }), ...state.departments.map((d) => el("option", { value: d.id, text: label(d) }))]);
  options($("new-level"), () => [el("option", { value: "", text: t("choose") }), ...state.levels.map((d) => el("option", { value: d.id, text: label(d) }))]);
  options($("new-manager"), () => [el("option", { value: "", text: t("noManager") }),
    ...state.accountPeople.map((p) => el("option", { value: p.id, text: p.title ? `${p.name}, ${p.title}` : p.name }))],
  state.accountPeople.map((p) => [p.id, p.name, p.title]));
  options($("new-line"), () => ["SOLID", "DOTTED"].map((k) => el("option", { value: k, text: t("lines")[k] })));
}

async function submitPerson(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const name = $("new-name").value.trim();
  const missing = [[!name, "needName", "name"], [!$("new-department").value, "needDepartment", "department"],
    [!$("new-level").value, "needLevel", "level"]].filter(([m]) => m)
    .map(([, key, field]) => ({ message: t(key), extensions: { field } }));
  if (missing.length) { showErrors(form, { errors: missing }); return; }
  const manager = $("new-manager").value || null;
  const dotted = manager && $("new-line").value === "DOTTED";
  const input = { accountId: state.account.id, name, title: $("new-title").value.trim() || null,
    department: $("new-department").value, level: $("new-level").value, reportsToId: dotted ? null : manager };
  try {
    const made = await gql("mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }", { input });
    const id = made.createPerson.id;
    if (dotted) {
      try {
        await gql("mutation($input: SetReportingLineInput!) { setReportingLine(input: $input) { id } }",
          { input: { personId: id, managerId: manager, kind: "DOTTED" } });
      } catch (e) {
        // All or nothing: a person without the line asked for is taken out again.
        await gql("mutation($id: ID!) { deletePerson(id: $id) { id } }", { id }).catch(() => {});
        for (const x of e.errors || []) if (x.extensions && x.extensions.field === "managerId") x.extensions.field = "reportsToId";
        throw e;
      }
    }
    for (const f of ["new-name", "new-title"]) $(f).value = "";
    toast(t("personAdded", { n: name }), { label: t("undo"), run: () => undo(async () => {
      await gql("mutation($id: ID!) { deletePerson(id: $id) { id } }", { id });
      if (state.person === id) closePerson();
    }) });
    await loadAccountView();
    await openPerson(id);
  } catch (e) { showErrors(form, e); }
}

// A new point keeps what was typed across refreshes and language switches; it
// is about the deal on screen only when that is ticked.
function fillPointForm() {
  options($("point-owner"), () => [el("option", { value: "", text: t("nobody") }),
    ...state.employees.map((e) => el("option", { value: e.id, text: e.name }))], state.employees.map((e) => e.id));
  $("point-deal-row").hidden = !state.opportunity;
  $("point-deal-label").textContent = t("aboutDeal", { d: state.opportunityName || "" });
}

async function submitPoint(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!$("point-text").value.trim()) {
    showErrors(form, { errors: [{ message: t("needText"), extensions: { field: "text" } }] });
    return;
  }
  const input = { accountId: state.account.id, text: $("point-text").value.trim(),
    ownerId: $("point-owner").value || null, dueOn: $("point-due").value || null,
    opportunityId: state.opportunity && $("point-deal").checked ? state.opportunity : null };
  try {
    const set = await gql("mutation($input: SetImprovementPointInput!) { setImprovementPoint(input: $input) { id } }", { input });
    const id = set.setImprovementPoint.id;
    for (const f of ["point-text", "point-due", "point-owner"]) $(f).value = "";
    $("point-deal").checked = false;
    toast(t("pointSet"), { label: t("undo"), run: () => undo(() =>
      gql("mutation($id: ID!) { deleteImprovementPoint(id: $id) { id } }", { id })) });
    await loadAccountView();
  } catch (e) { showErrors(form, e); }
}

// Closing a point says it is done (or dropped); undo reopens it.
async function closePoint(p, status) {
  const write = (s, revision) => gql("mutation($id: ID!, $input: UpdateImprovementPointInput!) { updateImprovementPoint(id: $id, input: $input) { revision } }",
    { id: p.id, input: { status: s, expectedRevision: revision } });
  try {
    const closed = await write(status, p.revision);
    const revision = closed.updateImprovementPoint.revision;
    toast(t("pointClosed", { s: t("point-status")[status] }), { label: t("undo"), run: () => undo(() => write("OPEN", revision)) });
    await loadAccountView();
  } catch (e) { toast(e.message); await loadAccountView(); }
}

// The map in its box: the deal's whole map fits the box and the screen by
// default (a projector at 1280×720 shows every person); the whole account at its
// own size. Zoom steps, drag to pan, and find a person by name.
const ZOOMS = [0.25, 0.35, 0.5, 0.65, 0.8, 1, 1.25, 1.5, 2];

function showMap(svg) {
  $("map").innerHTML = svg;
  applyZoom();
  const names = [...document.querySelectorAll("#map g.person")]
    .map((g) => (g.getAttribute("aria-label") || "").split(" · ")[0]).filter(Boolean);
  $("find-people").replaceChildren(...[...new Set(names)].map((n) => el("option", { value: n })));
}

function fitScale(svg) {
  const box = $("map");
  const w = Number(svg.getAttribute("width")) || 1, h = Number(svg.getAttribute("height")) || 1;
  const room = Math.max(240, window.innerHeight - (box.getBoundingClientRect().top + window.scrollY) - 12);
  return Math.min(1, (box.clientWidth - 2) / w, room / h);
}

function applyZoom() {
  const svg = $("map").querySelector("svg");
  if (!svg) return;
  const w = Number(svg.getAttribute("width")) || 1, h = Number(svg.getAttribute("height")) || 1;
  const zoom = state.zoom ?? (state.view === "deal" ? "fit" : 1);
  const scale = zoom === "fit" ? fitScale(svg) : zoom;
  state.scale = scale;
  svg.style.width = `${Math.round(w * scale)}px`;
  svg.style.height = `${Math.round(h * scale)}px`;
  $("zoom-level").textContent = `${Math.round(scale * 100)}%`;
}

function zoomBy(step) {
  const now = state.scale || 1;
  const next = step > 0 ? ZOOMS.find((z) => z > now + 0.001) : [...ZOOMS].reverse().find((z) => z < now - 0.001);
  state.zoom = next ?? now;
  applyZoom();
}

function findPerson() {
  const wanted = $("find").value.trim().toLowerCase();
  if (!wanted) return;
  const people = [...document.querySelectorAll("#map g.person")];
  const name = (g) => (g.getAttribute("aria-label") || "").split(" · ")[0].toLowerCase();
  const g = people.find((p) => name(p) === wanted) || people.find((p) => name(p).includes(wanted));
  if (!g) return;
  g.scrollIntoView({ block: "center", inline: "center" });
  g.focus();
}

function setView(view) {
  state.view = view;
  state.zoom = null;
  $("view-deal").classList.toggle("on", view === "deal");
  $("view-account").classList.toggle("on", view === "account");
  $("changes-panel").hidden = view !== "account";
  loadOpportunity();
}

function showHealth(h) {
  const box = $("health");
  box.replaceChildren(el("div", { class: "health-score", id: "health-score", text: `${Math.round(h.score)} / 100` }));
  for (const p of h.breakdown) {
    box.append(el("div", { class: "row" }, el("span", { text: t("health-part")[p.name] || p.name }), el("span", { text: `${p.points.toFixed(1)} / ${(p.weight * 100).toFixed(0)}` })));
    const bar = el("div", { class: "bar" }, el("span"));
    bar.firstChild.style.width = `${Math.round(p.value * 100)}%`;
    box.append(bar);
  }
}

function showScores(scores) {
  $("scores").replaceChildren(...SCORE_KEYS.map((k) => {
    const s = scores[k];
    const bar = el("div", { class: "bar" }, el("span"));
    bar.firstChild.style.width = `${Math.round(s.value * 100)}%`;
    const inputs = el("ul", {}, ...s.explanation.inputs.map((i) =>
      el("li", { text: `${i.name} = ${Number(i.value).toFixed(2)}${i.note ? t("dated", { day: i.note }) : ""}` })));
    return el("details", { class: "score", "data-score": k },
      el("summary", {}, el("span", { class: "row" }, el("span", { text: t("scoreNames")[k] }),
        el("span", { class: "value", "data-value": k, text: s.value.toFixed(2) }))),
      bar,
      el("div", { text: s.explanation.summary }),
      el("div", { class: "formula", text: `${t("formula")}${t("colon")}${s.explanation.formula}` }),
      inputs);
  }));
}

function showPrompts(prompts) {
  if (!prompts.length) { $("prompts").replaceChildren(el("li", { text: t("nothing") })); return; }
  $("prompts").replaceChildren(...prompts.map((p) => el("li", {},
    el("span", { class: `sev s${p.severity}`, text: String(p.severity),
      // How the prompt ranks: severity × person weight × stake × urgency.
      title: `${t("priority")} ${p.priority.value.toFixed(2)} = ${p.priority.severity} × ${p.priority.personWeight.toFixed(2)}`
        + ` × ${p.priority.stake.toFixed(2)} × ${p.priority.urgency.toFixed(2)}` }),
    el("strong", { text: p.text }),
    el("div", { class: "action", text: `→ ${p.action}` }),
    p.introductionPath ? el("div", { class: "path", text: p.introductionPath.description }) : null)));
}

function markSelected(id) {
  for (const g of document.querySelectorAll("#map g.person")) g.classList.toggle("selected", g.dataset.person === id);
}

// What the panel says of one tie is what the scores use: the assessed level
// with its day and the effective strength today, a departed colleague's tie as
// history, a competitor's as theirs.
function describeTie(r, personId) {

  if (r.competitor) {
    return { cls: "theirs", who: `⚑ ${t("theirTie", { c: r.competitor.name })}`,
      what: [`${r.strength}/5`, r.strengthLabel].filter(Boolean).join(" ") };
  }
  if (r.employee) {
    const left = r.employee.status === "DEPARTED";
    const parts = [];
    if (r.effectiveStrength != null && r.counted) {
      parts.push(t(r.strengthLabel ? "assessedNow" : "assessedNow-bare",
        { v: r.strength, label: r.strengthLabel, on: r.assessedOn, now: r.effectiveStrength.toFixed(1) }));
      if (r.lastContact && r.lastContact > r.assessedOn) parts.push(t("lastContact", { on: r.lastContact }));
    } else {
      const level = [`${r.strength}/5`, r.strengthLabel].filter(Boolean).join(" ");
      parts.push(t("with-note", { who: level, note: r.assessedOn }), t("notCounted"));
    }
    return { cls: left ? "departed" : r.counted ? "ours" : "departed",
      who: left ? t("with-note", { who: r.employee.name,
        note: r.employee.departedOn ? t("leftWork", { on: r.employee.departedOn }) : t("left-undated") }) : r.employee.name,
      what: parts.join(t("list-comma")) };
  }
  const other = r.person && r.person.id !== personId ? r.person.name : r.otherPerson ? r.otherPerson.name : "";
  return { cls: "peer", who: other, what: [`${r.strength}/5`, r.strengthLabel].filter(Boolean).join(" ") };
}

const TIE_ORDER = { ours: 0, peer: 1, theirs: 2, departed: 3 };

// `refresh` re-reads ties and paths but leaves the forms as the user left them.
async function openPerson(id, refresh = false) {
  state.person = id;
  markSelected(id);
  const data = await gql(`query($id: ID!, $lang: Lang!) {
      person(id: $id) { id name title department level
        relationships { id kind strength strengthLabel(lang: $lang) assessedOn effectiveStrength lastContact counted
                        employee { id name status departedOn } competitor { name }
                        person { id name } otherPerson { id name } } }
      introductionPaths(to: $id, k: 3) { description strength }
  }`, { id, lang: state.lang.toUpperCase() });
  const p = data.person;
  if (!p) return;
  state.ties = p.relationships;
  $("person-panel").hidden = false;
  $("person-name").textContent = p.name;
  const termOf = (list, id) => { const term = list.find((x) => x.id === id); return term ? label(term) : id; };
  $("person-meta").textContent = [p.title, p.department && termOf(state.departments, p.department),
    p.level && termOf(state.levels, p.level)].filter(Boolean).join(" · ");
  const ties = p.relationships.map((r) => ({ r, d: describeTie(r, id) }))
    .sort((a, b) => TIE_ORDER[a.d.cls] - TIE_ORDER[b.d.cls] || (b.r.effectiveStrength ?? -1) - (a.r.effectiveStrength ?? -1))
    .map(({ r, d }) => el("li", { "data-relationship": r.id, class: d.cls },
      `${d.who}${t("colon")}`, el("strong", { text: d.what })));
  $("person-ties").replaceChildren(...(ties.length ? ties : [el("li", { text: t("noTies") })]));
  $("person-paths").replaceChildren(...(data.introductionPaths.length
    ? data.introductionPaths.map((x) => el("li", { class: "path", text: x.description }))
    : [el("li", { text: t("noPaths") })]));
  if (!refresh) fillForms(true);
  fillChainForm(refresh);
  showCurrentTie();
  showDealChoice(refresh);
}

// Beside the strength picker: what the chosen colleague's tie counts for now,
// so that re-assessing a faded 4 as 3 reads as the rise it is in the scores.
function showCurrentTie() {
  const employee = $("assess-employee").value;
  const tie = state.ties.find((r) => r.kind === "EMPLOYEE_PERSON" && r.employee && r.employee.id === employee);
  $("assess-current").textContent = tie && tie.counted && tie.effectiveStrength != null
    ? t("currentTie", { v: tie.strength, on: tie.assessedOn, now: tie.effectiveStrength.toFixed(1) }) : "";
}

// An interaction is filed under the deal on screen only when the person is in
// its decision chain, or when the user ticks it.
function showDealChoice(keep) {
  const box = $("interaction-deal");
  $("interaction-deal-row").hidden = !state.opportunity;
  $("interaction-deal-label").textContent = t("fileUnder", { n: state.opportunityName || "" });
  if (!keep) box.checked = state.chain.has(state.person);
}

// The assessment names no colleague by default unless one of ours already
// holds a tie with the person (then the strongest holder): nobody's judgement is
// recorded under whoever happens to come first in the list.
function fillForms(person = false) {
  const employees = state.employees.map((e) => el("option", { value: e.id, text: e.name }));
  const keep = person ? "" : $("assess-employee").value;
  $("assess-employee").replaceChildren(el("option", { value: "", text: t("choose") }), ...employees);
  const holder = state.ties.filter((r) => r.kind === "EMPLOYEE_PERSON" && r.counted && r.employee)
    .sort((a, b) => (b.effectiveStrength ?? 0) - (a.effectiveStrength ?? 0))[0];
  $("assess-employee").value = keep || (holder ? holder.employee.id : "");
  const strength = $("assess-strength").value;
  $("assess-strength").replaceChildren(...state.strengths.map((s) => el("option", { value: String(s.value), text: `${s.value} · ${label(s)}` })));
  $("assess-strength").value = strength || "3";
  // Refilled in the other language with what was chosen kept.
  const kind = $("interaction-kind").value;
  // A new person starts with nobody ticked: who was at one meeting is not
  // carried to the next person's.
  const ticked = person ? new Set()
    : new Set([...document.querySelectorAll('#interaction-employees input:checked')].map((c) => c.value));
  $("interaction-kind").replaceChildren(...state.kinds.map((k) => el("option", { value: k.id, text: label(k) })));
  if (kind) $("interaction-kind").value = kind;
  $("interaction-employees").replaceChildren(...state.employees.map((e) =>
    el("label", {}, el("input", { type: "checkbox", value: e.id, name: "employeeIds", ...(ticked.has(e.id) ? { checked: "" } : {}) }), e.name)));
  if (!$("interaction-date").value) $("interaction-date").value = todayIso();
  $("interaction-date").max = todayIso();
}

function closePerson(refocus = false) {
  const was = state.person;
  state.person = null;
  $("person-panel").hidden = true;
  markSelected(null);
  const g = refocus && was && document.querySelector(`#map g.person[data-person="${was}"]`);
  if (g) g.focus();
}

function clearErrors(form) {
  for (const e of form.querySelectorAll(".error")) e.textContent = "";
  for (const e of form.querySelectorAll(".invalid")) {
    e.classList.remove("invalid");
    e.removeAttribute("aria-invalid");
  }
}

// Field errors arrive as `extensions.field` ("input.strength", "employeeIds[0]"...):
// each goes next to the field it names, the rest under the form.
// Every error at once, each tied to its field for screen readers
// (aria-invalid, aria-describedby), and focus on the first field in error.
function showErrors(form, error) {
  let first = null;
  for (const e of error.errors || [{ message: error.message }]) {
    const field = ((e.extensions && e.extensions.field) || "").split(".").pop().replace(/\[\d+\]$/, "");
    const slot = form.querySelector(`.error[data-for="${field}"]`) || form.querySelector('.error[data-for="_form"]');
    slot.id = slot.id || `${form.id}-${slot.dataset.for}-error`;
    slot.textContent = slot.textContent ? `${slot.textContent} ${refusal(e)}` : refusal(e);
    const input = form.querySelector(`[name="${field}"]`);
    if (input) {
      input.classList.add("invalid");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", slot.id);
      first = first || input;
    }
  }
  if (first && first.focus) first.focus();
}

// Today on the user's own calendar (toISOString alone is UTC's day).
const todayIso = () => {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
};

async function submitAssessment(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!$("assess-employee").value) {
    showErrors(form, { errors: [{ message: t("chooseWho"), extensions: { field: "employeeId" } }] });
    return;
  }
  const input = {
    employeeId: $("assess-employee").value, personId: state.person,
    strength: Number($("assess-strength").value), note: $("assess-note").value || null,
  };
  try {
    await gql("mutation($input: AssessRelationshipInput!) { assessRelationship(input: $input) { id } }", { input });
    $("assess-note").value = "";
    toast(t("saved"));
    await Promise.all([loadOpportunity(), openPerson(state.person, true)]);
  } catch (e) { showErrors(form, e); }
}

async function submitInteraction(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  // What the room records here has happened: a day ahead is a plan, not an
  // interaction.
  if ($("interaction-date").value && $("interaction-date").value > todayIso()) {
    showErrors(form, { errors: [{ message: t("notAhead"), extensions: { field: "occurredOn" } }] });
    return;
  }
  const input = {
    accountId: state.account.id, opportunityId: $("interaction-deal").checked ? state.opportunity : null,
    kind: $("interaction-kind").value,
    occurredOn: $("interaction-date").value || null, note: $("interaction-note").value || null,
    employeeIds: [...form.querySelectorAll('input[name="employeeIds"]:checked')].map((c) => c.value),
    personIds: [state.person],
  };
  try {
    const made = await gql("mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }", { input });
    const id = made.recordInteraction.id;
    $("interaction-note").value = "";
    // Recorded by mistake (the wrong person, the wrong day): undone by deleting
    // it, restorable from "Recently deleted" like any delete.
    toast(t("saved"), { label: t("undo"), run: () => undo(() =>
      gql("mutation($id: ID!) { deleteInteraction(id: $id) { id } }", { id })) });
    await Promise.all([loadOpportunity(), openPerson(state.person, true)]);
  } catch (e) { showErrors(form, e); }
}

// Sign-on: the authorization code flow with PKCE (RFC 7636), the page a public
// client of the company's OpenID provider. The server says how (GET /sign-on);
// the token it gets is sent as the bearer, like an API token.
async function signOnConfig() {
  if (!state.signOn) {
    try {
      const r = await fetch("/sign-on");
      state.signOn = r.ok ? await r.json() : { enabled: false };
    } catch { state.signOn = { enabled: false }; }
  }
  return state.signOn;
}

const redirectUri = () => `${location.origin}/`;
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const random = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));

async function askToSignIn(message) {
  const c = await signOnConfig();
  $("token-form").hidden = false;
  $("sign-in").hidden = !c.enabled;
  $("token-label").dataset.t = c.enabled ? "token-or" : "token";
  $("token-label").textContent = t($("token-label").dataset.t);
  $("token-error").textContent = message || (c.enabled ? t("signed-out") : "");
}

async function signIn() {
  const c = await signOnConfig();
  if (!window.crypto || !crypto.subtle) { $("token-error").textContent = t("needs-https"); return; }
  const verifier = random(32);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const pending = { verifier, state: random(16), back: location.hash };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(c.authorizationEndpoint);
  const ask = {
    response_type: "code", client_id: c.clientId, redirect_uri: redirectUri(), scope: c.scope,
    state: pending.state, code_challenge: b64url(new Uint8Array(digest)), code_challenge_method: "S256",
    resource: c.audience, ui_locales: state.lang === "zh" ? "zh-CN" : "en",
  };
  for (const [k, v] of Object.entries(ask)) url.searchParams.set(k, v);
  location.assign(url.toString());
}

// Back from the provider with a code (or a refusal): trade the code for a token.
async function finishSignIn() {
  const answer = new URLSearchParams(location.search);
  if (!answer.has("code") && !answer.has("error")) return;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", `/${(pending && pending.back) || ""}`);
  const c = await signOnConfig();
  if (answer.has("error")) throw new Error(`${answer.get("error_description") || answer.get("error")}`);
  if (!pending || pending.state !== answer.get("state")) throw new Error("this sign-in was not started on this page: sign in again");
  if (answer.has("iss") && answer.get("iss") !== c.issuer) throw new Error("the sign-in answer came from another provider: sign in again");
  const r = await fetch(c.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", code: answer.get("code"), redirect_uri: redirectUri(),
      client_id: c.clientId, code_verifier: pending.verifier, resource: c.audience,
    }),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok || !body.access_token) throw new Error(body.error_description || body.error || `the provider answered ${r.status}`);
  sessionStorage.setItem(SIGNED_ON, JSON.stringify({ token: body.access_token, idToken: body.id_token || null }));
  state.token = body.access_token;
}

function forgetSignOn() {
  sessionStorage.removeItem(SIGNED_ON);
  state.token = localStorage.getItem("guanxi.token") || "";
}

async function signOut() {
  const held = signedOn();
  forgetSignOn();
  const c = await signOnConfig();
  if (c.endSessionEndpoint && held) {
    const url = new URL(c.endSessionEndpoint);
    url.searchParams.set("client_id", c.clientId);
    url.searchParams.set("post_logout_redirect_uri", redirectUri());
    if (held.idToken) url.searchParams.set("id_token_hint", held.idToken);
    location.assign(url.toString());
  } else location.reload();
}

// Who is signed in, from the token's own claims (shown, not trusted: the server
// checks the token on every request).
function showSignedIn() {
  const held = signedOn();
  $("signed-in").hidden = !held;
  if (!held) return;
  let claims = {};
  try { claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(held.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0)))); } catch { /* not a JWT */ }
  $("signed-in-name").textContent = claims.preferred_username || claims.name || claims.email || claims.sub || "";
}

// Live: one socket per screen, subscribed to the deal on show; every event
// re-reads the deal (and the open person) once, however many arrive together.
function listen() {
  if (state.socket) { state.socket.onclose = null; state.socket.close(); }
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql/ws`;
  const socket = new WebSocket(url, "graphql-transport-ws");
  state.socket = socket;
  socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init", payload: state.token ? { authorization: `Bearer ${state.token}` } : {} }));
  socket.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === "connection_ack") {
      state.retry = 1000;
      $("live").classList.replace("off", "on");
      socket.send(JSON.stringify({ id: "deal", type: "subscribe", payload: {
        query: "subscription($o: ID!) { relationshipEvents(opportunityId: $o) { kind author personIds } }",
        variables: { o: state.opportunity } } }));
    } else if (msg.type === "next" && msg.payload.data) {
      const e = msg.payload.data.relationshipEvents;
      // An undo on offer stays: someone else's news does not take it away.
      const box = $("toast");
      const ours = Date.now() - (state.wroteAt || 0) < 2000;
      const said = { PLAN: "recorded-plan", ASSESSMENT: "recorded-assessment", ACCOUNT: "recorded-account" };
      if (!ours && (box.hidden || !box.querySelector(".toast-action"))) toast(t(said[e.kind] || "recorded-interaction",
        { who: e.author === "local administrator" ? t("local-administrator") : e.author }));
      clearTimeout(state.reload);
      state.reload = setTimeout(() => {
        loadOpportunity();
        if (state.person) openPerson(state.person, true);
      }, 150);
    } else if (msg.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    }
  };
  socket.onclose = () => {
    $("live").classList.replace("on", "off");
    setTimeout(() => { if (state.socket === socket) listen(); }, state.retry);
    state.retry = Math.min(state.retry * 2, 30000);
  };
}

function start() {
  translate();
  $("account").addEventListener("change", (e) => selectAccount(e.target.value));
  $("opportunity").addEventListener("change", (e) => selectOpportunity(e.target.value));
  $("lang-en").addEventListener("click", () => setLang("en"));
  $("lang-zh").addEventListener("click", () => setLang("zh"));
  $("map").addEventListener("click", (e) => {
    const g = e.target.closest("g.person");
    if (g) openPerson(g.dataset.person);
  });
  // From the keyboard: Tab reaches each person on the map, Enter or Space opens
  // their panel (focus goes to it), Escape or the close button closes it and
  // puts focus back on the person.
  $("map").addEventListener("keydown", (e) => {
    const g = e.target.closest && e.target.closest("g.person");
    if (!g || (e.key !== "Enter" && e.key !== " ")) return;
    e.preventDefault();
    openPerson(g.dataset.person).then(() => $("person-close").focus());
  });
  $("person-close").addEventListener("click", () => closePerson(true));
  $("zoom-in").addEventListener("click", () => zoomBy(1));
  $("zoom-out").addEventListener("click", () => zoomBy(-1));
  $("zoom-fit").addEventListener("click", () => { state.zoom = "fit"; applyZoom(); });
  window.addEventListener("resize", () => { if ((state.zoom ?? (state.view === "deal" ? "fit" : 1)) === "fit") applyZoom(); });
  $("find").addEventListener("change", findPerson);
  $("find").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); findPerson(); } });
  // Drag the map's background to pan.
  let pan = null;
  $("map").addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || e.target.closest("g.person")) return;
    pan = { x: e.clientX, y: e.clientY, left: $("map").scrollLeft, top: $("map").scrollTop };
    $("map").classList.add("panning");
  });
  window.addEventListener("pointermove", (e) => {
    if (!pan) return;
    $("map").scrollLeft = pan.left - (e.clientX - pan.x);
    $("map").scrollTop = pan.top - (e.clientY - pan.y);
  });
  window.addEventListener("pointerup", () => { pan = null; $("map").classList.remove("panning"); });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("person-panel").hidden) closePerson(true);
  });
  $("delete-person").addEventListener("click", deletePerson);
  $("view-deal").addEventListener("click", () => setView("deal"));
  $("view-account").addEventListener("click", () => setView("account"));
  $("since").addEventListener("change", () => { if (state.view === "account") loadAccountView(); });
  $("assess-form").addEventListener("submit", submitAssessment);
  $("chain-form").addEventListener("submit", submitChain);
  $("point-form").addEventListener("submit", submitPoint);
  $("person-form").addEventListener("submit", submitPerson);
  $("assess-employee").addEventListener("change", showCurrentTie);
  $("interaction-form").addEventListener("submit", submitInteraction);
  $("sign-in").addEventListener("click", () => signIn().catch((err) => { $("token-error").textContent = err.message; }));
  $("sign-out").addEventListener("click", () => signOut());
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = $("token").value.trim();
    localStorage.setItem("guanxi.token", state.token);
    $("token-form").hidden = true;
    loadStart().catch((err) => { $("token-error").textContent = err.message; });
  });
  finishSignIn()
    .catch(async (err) => { await askToSignIn(err.message); err.shown = true; throw err; })
    .then(() => { showSignedIn(); return loadStart(); })
    .catch((err) => { if (!err.shown) toast(err.message); });
}

function setLang(lang) {
  state.lang = lang;
  localStorage.setItem("guanxi.lang", lang);
  translate();
  if (state.person) { fillForms(); openPerson(state.person, true); }
  if (state.opportunity) loadOpportunity();
}

start();
