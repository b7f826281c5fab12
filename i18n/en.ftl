# guanxi's words in English. Every message here is also in zh.ftl, with the same
# attributes and variables (the catalogue's tests check it). Numbers that need a
# fixed precision arrive formatted ($pct is "42%", $strength "3.5"); counts arrive
# as numbers, so English can choose "1 person" or "2 people".

## Scores (src/graph/scores, docs/scoring.md): summaries, formulas, inputs,
## weights, notes and evidence.

score-no-chain = No decision chain mapped yet.
score-no-chain-note = no decision chain is mapped
score-fallback-note = no member reaches the key-person influence; every member counts
score-derived-influence-note = influence of { $person } is derived

kp-person-formula = max over our active employees of effective strength / 5
kp-departed-note = { $employee } has left; their tie (assessed { $assessed }) carries nothing
kp-derived-tie = { $employee } → { $person }: met { $times ->
        [one] once
       *[other] { $times } times
    } in 180 days (last { $last }), never assessed; not counted
kp-derived-tie-note = { $employee } has met { $person } { $times ->
        [one] once
       *[other] { $times } times
    } without assessing the tie: assess it to count it
kp-no-tie-note = none of our active employees has a tie to { $person }
kp-input-best = best effective strength
kp-input-ties = active ties
kp-person-summary = Our best tie to { $person } is { $strength } of 5 ({ $pct }).
kp-formula = Σ w_p × KP_p / Σ w_p over key people (influence ≥ threshold), w_p = influence / 5
kp-weight-threshold = key person influence threshold
kp-no-chain-note = no decision chain is mapped: nobody to be close to yet
kp-input-person = KP { $person }
kp-input-weight = weight { $weight }
kp-summary = Across { $count ->
        [one] 1 key person
       *[other] { $count } key people
    } our ties average { $pct } (weakest: { $weakest }).

dc-formula = coverage × (required roles held by someone not against us / required roles); coverage = Σ w_p × KP_p / Σ w_p over the chain
dc-input-coverage = coverage
dc-input-held = required roles held by someone not against us
dc-input-required = required roles
dc-unknown-note = required role not identified: { $role }
dc-opposed-note = required role held only by people against us: { $role }
dc-uncovered-note = required role without a real tie: { $role }
dc-gap-unknown = not identified: { $roles }
dc-gap-opposed = held only by people against us: { $roles }
dc-gaps-two = { $first }; { $second }
dc-summary = We cover { $pct } of the chain by influence; { $held } of { $required } required roles held by someone not against us.
dc-summary-gaps = We cover { $pct } of the chain by influence; { $held } of { $required } required roles held by someone not against us ({ $gaps }).

account-formula = people × share of people with a real tie + departments × share of departments reached + levels × share of levels reached + top_depth × mean KP at the top level
account-weight-people = people
account-weight-departments = departments
account-weight-levels = levels
account-weight-top-depth = top_depth
account-weight-real-tie = real tie strength
account-no-people-note = the account has no people mapped
account-no-people = { $account } has no people mapped yet.
account-part-of = { $part } of { $whole }
account-input-people = share of people with a real tie
account-input-departments = share of departments reached
account-input-levels = share of levels reached
account-input-top = mean KP at the top level
account-top-note = { $count ->
        [one] 1 person
       *[other] { $count } people
    } at level { $level }
account-department-note = no real tie in department { $department }
account-summary = Real ties with { $people } of people in { $reached } of { $departments } departments; { $depth } depth at the top.

bench-formula = min over our employees e tied into the chain of coverage(chain without e)
bench-input-everyone = coverage with everyone
bench-nobody-note = none of our employees has a tie into the chain
bench-nobody = Nobody of ours is tied into the chain.
bench-input-without = coverage without { $employee }
bench-single-note = { $person } is reached only by { $employee }
bench-summary = If { $employee } left, our chain coverage would fall from { $full } to { $without }.

capital-formula = Σ importance_p × effective(e, p) / 5 / Σ importance_p over the account's people; importance from level and structure
capital-departed-note = { $employee } has left or is unknown here: departed employees carry nothing
capital-input-sole = people reached only by this employee
capital-summary = { $employee } holds { $pct } of the account's relationship capital; { $count ->
        [one] 1 person is
       *[other] { $count } people are
    } reached only by { $employee }.

company-formula = Σ_r weight_r × coverage_r / Σ weight_r over our roles with people to cover; coverage_r = Σ w_p × best tie of role r / Σ w_p over r's target people
company-role-empty-note = role { $role }: nobody in the chain to cover; left out
company-weight-role = role { $role }
company-input-coverage = coverage by { $role }
company-targets = { $count ->
        [one] 1 target person
       *[other] { $count } target people
    }
company-input-concentration = concentration (Herfindahl index)
company-concentration-note = 1 = one employee holds everything
company-input-share = share held by { $employee }
company-no-targets-note = no chain member falls in any role's target set
company-no-targets = No decision chain to cover by role yet.
company-summary = Our roles carry the chain at { $pct } of what the methodology asks.

competitor-formula = Σ w_p × position_p / Σ w_p over key people; position 1 if ours > best competitor's, 0.5 if equal, 0 if behind or against us
competitor-weight-favoured = favoured competitor strength
competitor-none = no competitor
competitor-nobody = nobody
position-lead = we lead
position-level = level
position-against = against us
position-behind = behind
competitor-against-note = { $person } is against us: no lead of ours
competitor-level-note = { $person }: level with { $rival }
competitor-input-hold = hold of { $competitor }
competitor-summary-against = No competitor is ahead, but { $count ->
        [one] 1 key person is
       *[other] { $count } key people are
    } against us ({ $pct }).
competitor-summary-lead = We lead or are level on every key person ({ $pct }).
competitor-summary-behind = A competitor is ahead with { $people }.
hold-formula = Σ w_p × their strength_p / 5 / Σ w_p over the chain (higher is stronger for them)
hold-summary = { $competitor } holds { $pct } of the chain by influence.

evidence-tie = { $employee } → { $person }: assessed { $assessed } on { $on }, effective { $effective } (warmth { $warmth }, last contact { $last }, { $interactions ->
        [one] 1 interaction
       *[other] { $interactions } interactions
    }, { $recent } recent)
evidence-influence-derived = derived { $value } from role weight { $role }, level weight { $level }, structure { $structure }
evidence-influence-given = given { $value }
evidence-member = { $person } ({ $role }): influence { $influence }; our best tie { $best }
evidence-position = { $person }: ours { $ours } vs { $rival } { $theirs } → { $position }
evidence-competitor-tie = { $competitor } → { $person }: { $strength }
evidence-competitor-tie-favoured = { $competitor } → { $person }: { $strength } (favours them)
evidence-sole-tie = only { $employee } has a real tie to { $person }

## The planning page (src/api/page/app.js reads every `page-` message through
## /assets/words.js; a variable stays as {$name} for the page to fill).

page-account = Account
page-opportunity = Opportunity
page-live = live
page-token = This server needs an API token
page-sign-in = Sign in with your company account
page-token-or = or use an API token
page-sign-out = Sign out
page-signed-out = Sign in to see the accounts you work on.
page-expired = Your sign-in has expired: sign in again.
page-needs-https = Signing in needs this page over https.
page-delete-person = Delete this person
page-confirm-delete = Delete { $n } with their ties, positions and chain places? You can restore them from "Recently deleted" in the whole-account view.
page-deleted = { $n } deleted.
page-undo = Undo
page-restored = { $n } restored.
page-restore = Restore
page-duplicates = Likely duplicates
page-merge-into = Merge into { $n }
page-confirm-merge = Merge { $drop } into { $keep }? Every tie, assessment, chain place and interaction of both is kept on { $keep }.
page-merged = Merged into { $n }.
page-recently-deleted = Recently deleted
page-why =
    .the-same-name = the same name
    .the-same-name-in-pinyin = the same name in pinyin
    .the-same-e-mail = the same e-mail
    .the-same-phone = the same phone
page-use = Use
page-click = Click a person on the map for their ties, introduction paths and to record what happened.
page-health = Health
page-prompts = Coaching prompts
page-scores = Relationship scores
page-steps = Win steps
page-questions = The four questions
page-ties = Ties
page-paths = Introduction paths
page-record-assessment = Record an assessment
page-employee = Our employee
page-strength = Strength
page-note = Note
page-save-assessment = Save assessment
page-record-interaction = Record an interaction
page-kind = Kind
page-date = Date
page-who = Our people there
page-save-interaction = Save interaction
page-scoreNames =
    .keyPerson = Key person
    .decisionChain = Decision chain
    .account = Account
    .employee = Our people
    .ourCompany = Our company
    .competitor = Competitor
page-stage = Stage
page-amount = Amount
page-owner = Owner
page-formula = Formula
page-inputs = Inputs
page-noTies = No ties recorded.
page-noPaths = No introduction path.
page-saved = Saved.
page-recorded-plan = { $who } changed the deal's plan
page-recorded-assessment = { $who } recorded an assessment
page-recorded-interaction = { $who } recorded an interaction
page-recorded-account = { $who } changed the account's plan
page-local-administrator = the local administrator
page-token-needed = an API token is needed
page-required = required
page-nothing = Nothing to coach on today.
page-evidence = Evidence
page-this-deal = This deal
page-whole-account = Whole account
page-since = What changed since
page-points = Improvement points
page-up = Assessments up
page-down = Assessments down
page-newTies = Ties first assessed
page-newPeople = New people
page-cold = Ties gone cold
page-left = Departures
page-none = none
page-silent = days silent
page-overdue = overdue
page-due = due
page-leftOn = left on
page-budget = Budget
page-event = Compelling event
page-priority = Priority (severity × person weight × stake × urgency)
page-assessedNow = assessed { $v } ({ $label }) on { $on }, now { $now }
page-assessedNow-bare = assessed { $v } on { $on }, now { $now }
page-lastContact = last contact { $on }
page-notCounted = not counted
page-leftWork = left on { $on }
page-left-undated = left
page-with-note = { $who } ({ $note })
page-list-comma = ,{" "}
page-colon = :{" "}
page-dated = {" "}({ $day })
page-theirTie = { $c }'s tie
page-currentTie = In the scores now: { $now } (assessed { $v } on { $on }). Saving sets today's value.
page-fileUnder = File under the deal { $n }
page-choose = Choose…
page-chooseWho = Choose which of our people holds this tie.
page-notAhead = Record what has happened: pick today or an earlier day.
page-inScores = in the scores { $b } → { $a }
page-zoom = Zoom
page-zoom-in = Zoom in
page-zoom-out = Zoom out
page-fit = Fit
page-find = Find a person
page-statuses =
    .DONE = done
    .SATISFIED = satisfied
    .MISSING = missing
page-buying-role = Buying role
page-influence = Influence
page-attitude = Attitude
page-derived = From the org chart
page-inChain = In the decision chain of { $d }
page-addToChain = Add to the decision chain of { $d }
page-save-chain = Save
page-add-chain = Add to the chain
page-chainSaved = { $n }'s place in the chain saved.
page-chainAdded = { $n } added to the chain.
page-stepTicked = Ticked: { $s }.
page-stepUnticked = Unticked: { $s }.
page-answerSaved = Answer saved: { $q }
page-save-answer = Save answer
page-answer = Answer
page-undone = Undone.
page-chooseRole = Choose the person's buying role.
page-new-point = Set an improvement point
page-point-text = What is to be improved
page-point-owner = Who of ours does it
page-point-due = Due
page-save-point = Set the point
page-aboutDeal = About the deal { $d }
page-pointSet = Improvement point set.
page-pointClosed = Improvement point { $s }.
page-mark-done = Done
page-mark-dropped = Drop
page-nobody = Nobody yet
page-needText = Say what is to be improved.
page-new-person = Add a person to the org chart
page-person-name = Name
page-person-title = Title
page-department = Department
page-level = Level
page-reports-to = Reports to
page-line-kind = Reporting line
page-lines =
    .SOLID = Solid line
    .DOTTED = Dotted line
page-save-person = Add the person
page-noManager = Nobody (top of the chart)
page-personAdded = { $n } added to the org chart.
page-needName = Give the person's name.
page-needDepartment = Choose a department.
page-needLevel = Choose a level.
page-language = Language
page-map-of = Map of
page-map = Relationship map
page-close = Close
page-live-updates = live updates

## Words the reports share with the page.

health-part =
    .key_person = Key person
    .decision_chain = Decision chain
    .competitor = Competitor
    .employee = Our people
    .our_company = Our company
    .win_steps = Win steps
    .qualification = Four questions
    .stage_time = Time in stage
    .contact = Recent contact
answer-value =
    .YES = yes
    .NO = no
    .UNKNOWN = unknown
budget-status =
    .CONFIRMED = confirmed
    .UNCONFIRMED = not confirmed
    .UNKNOWN = unknown
support-status =
    .requested = requested
    .granted = granted
    .declined = declined
    .done = done
    .cancelled = cancelled
step-status =
    .DONE = done
    .SATISFIED = satisfied by the data
    .MISSING = missing
point-status =
    .OPEN = open
    .DONE = done
    .DROPPED = dropped
author-command-line = command line

## The reports (src/meeting): headings, labels and the words of their tables.

report-opportunity-analysis = Opportunity analysis
report-account = Account
report-stage = Stage
report-amount = Amount
report-expected-signing = Expected signing
report-owner = Owner
report-as-of = as of
report-the-four-questions = The four questions
report-question = Question
report-answer = Answer
report-suggested-by-the-data = Suggested by the data
report-recorded = Recorded
report-evidence = Evidence
report-win-steps = Win steps
report-no-win-steps-for-this-stage = No win steps for this stage.
report-step = Step
report-required = Required
report-status = Status
report-yes = yes
report-no = no
report-decision-chain = Decision chain
report-nobody-is-in-the-decision-chain = Nobody is in the decision chain yet.
report-person = Person
report-title = Title
report-buying-role = Buying role
report-influence = Influence
report-attitude = Attitude
report-our-best-tie-now = Our best tie (now)
report-competitor-s-best-tie = Competitor's best tie
report-relationship-scores = Relationship scores
report-score = Score
report-value = Value
report-how-it-was-computed = How it was computed
report-health = Health
report-part = Part
report-weight = Weight
report-points = Points
report-coaching-prompts = Coaching prompts
report-nothing-to-coach-on-today = Nothing to coach on today.
report-severity = severity
report-action = Action
report-introduction-path = Introduction path
report-open-support-requests = Open support requests
report-none-open = None open.
report-support = Support
report-units = Units
report-needed-by = Needed by
report-note = Note
report-people = People
report-held-by-a-real-tie = Held by a real tie
report-mean-best-tie = Mean best tie
report-who = Who
report-relationship-planning = Relationship planning
report-changes-since = Changes since
report-up-to = up to
report-relationship-inventory = Relationship inventory
report-level = Level
report-department = Department
report-our-owner = Our owner
report-what-changed-since = What changed since
report-what-changed-from = What changed from
report-to = {" "}to{" "}
report-assessments-up = Assessments up
report-assessments-down = Assessments down
report-ties-first-assessed = Ties first assessed
report-in-the-scores = in the scores
report-new-people = New people
report-ties-gone-cold = Ties gone cold
report-assessed = assessed
report-last-contact = last contact
report-days-silent = days silent
report-org-chart = Org chart
report-open-paren = {" "}(
report-close-paren = )
report-promoted = promoted
report-moved-to-a-lower-level = moved to a lower level
report-new-role = new role
report-new-manager = new manager
report-new-dotted-line-to = new dotted line to
report-dotted-line-ended-to = dotted line ended to
report-colon = :{" "}
report-space-before-day = {" "}
report-comma-before-day = {" "}
report-departures = Departures
report-left-the-account-on = left the account on
report-ours-left-on = (ours) left on
report-ties-to-re-cover = ties to re-cover
report-improvement-points = Improvement points
report-none-set = None set.
report-point = Point
report-opportunity = Opportunity
report-due = Due
report-set-by = Set by
report-overdue = overdue

## The relationship map (src/map/svg.rs): its legend and labels.

map-assessed = assessed
map-last-contact = last contact
map-cooling = cooling
map-influence = influence
map-single-threaded = single-threaded
map-best-tie-cooling = best tie cooling
map-opponent = opponent
map-sceptic = sceptic
map-neutral = neutral
map-supporter = supporter
map-champion = champion
map-no-attitude-recorded = no attitude recorded
map-our-tie-weight-strength = our tie (weight = strength)
map-tie-gone-cold = tie gone cold
map-competitor-s-tie = competitor's tie
map-reports-to = reports to
map-key-person-one-thread-or-none = key person, one thread or none
map-box-size-influence = box size = influence
map-showing = showing { $shown } of { $all } people: deal chains, then the most important

## The digests (src/digest).

digest-list-comma = ,{" "}
digest-colon = :{" "}
digest-subject = guanxi digest { $today }: { $count ->
        [one] 1 thing needs
       *[other] { $count } things need
    } you
digest-team-title = guanxi digest { $today }, team { $team }: { $count ->
        [one] 1 thing
       *[other] { $count } things
    }
digest-point-overdue = Improvement point overdue since { $due } ({ $account }): { $point }
digest-tie-cold = Your tie with { $person } ({ $account }) has gone cold: no contact for { $days } days.
digest-deal-stalled = { $deal } ({ $account }) has been in { $stage } for { $days } days, { $times } times as long as deals usually stay.
digest-past-sign-date = { $deal } ({ $account }) was to sign on { $sign } and is still open: close it or move the date.
digest-leaving-sole-tie = { $employee } leaves on { $on } and is our only tie to { $person } on { $deal } ({ $account }): hand it over before then.

## Coaching prompts (src/advice/prompts.rs): the words around the rules' texts.

prompt-space = {" "}
prompt-semicolon = ;{" "}
prompt-line-strong = a strong line
prompt-line-fair = a fair line
prompt-line-weak = a weak line
prompt-path-direct = { $asker } already knows them; build on that ({ $chain }, { $line }, { $pct })
prompt-path = { $asker } can open the way: { $chain } ({ $line }, { $pct })
prompt-no-path = nobody of ours has a way in yet: find out who knows them
prompt-see-path = see the suggested introduction path

## What-ifs (src/engine/whatif.rs): why a number rises when someone leaves or
## changes part. $what lists the measures that rise.

whatif-successor = { $person }'s successor
whatif-opponent-leaves = { $person } is against us (attitude { $attitude }): with them gone, { $what } rise.
whatif-ties-leave = { $person }'s leaving takes a competitor's ties with them too: { $what } rise.
whatif-new-part = { $person }'s new part raises { $what }.
whatif-recomputed = { $what } rise: without their ties the measures are recomputed on the rest (docs/scoring.md).
dimension =
    .keyPerson = key person
    .decisionChain = decision chain
    .account = account
    .employee = our people
    .ourCompany = our company
    .competitor = competitor
    .health = health
    .winProbability = win probability

## The facts coaching rules read (src/advice/facts), by their labels: evidence
## shows "interactions with the chain, last 90 days = 20", not the fact's id.

fact =
    .key_person = key-person score
    .decision_chain = decision-chain score
    .account = account score
    .employee = our-people (bench) score
    .our_company = our-company score
    .competitor = competitor position score
    .amount = deal amount, in its currency
    .chain_size = people in the decision chain
    .key_people = key people
    .required_roles_missing = required buying roles not identified
    .required_roles_open = required buying roles still open
    .single_threaded_key_people = key people on a single thread
    .uncovered_key_people = key people with no real tie of ours
    .competitor_ahead_key_people = key people where a competitor is ahead
    .cooling_key_people = key people whose best tie is going cold
    .champions = champions in the chain
    .opponents = opponents in the chain
    .competitors_in_play = competitors in play
    .interactions_30d = interactions with the chain, last 30 days
    .interactions_90d = interactions with the chain, last 90 days
    .days_since_last_interaction = days since last contact with the chain
    .days_in_stage = days in the current stage
    .expected_days = expected days in the stage
    .stage_overdue_ratio = days in stage as a multiple of expected
    .usual_days_in_stage = usual days in this stage, past deals
    .stall_ratio = days in stage as a multiple of usual
    .win_probability = win probability
    .support_needs_unrequested = support needed but not requested
    .stage_index = stage number, from 0
    .win_steps_missing = required win steps of the stage not done
    .days_to_expected_sign = days to the expected signing date
    .has_expected_sign_date = expected signing date set
    .expected_sign_date_passed = expected signing date passed
    .decision_maker_identified = decision maker identified
    .decision_maker_strength = our tie to the decision maker (weakest), 0-5
    .decision_maker_competitor_strength = best competitor tie to a decision maker, 0-5
    .decision_maker_competitor_ahead = a competitor is ahead with the decision maker
    .technical_evaluator_strength = our best tie to a technical evaluator, 0-5
    .financial_evaluator_strength = our best tie to a financial evaluator, 0-5
    .procurement_strength = our best tie to procurement, 0-5
    .coach_identified = coach identified
    .executive_engaged = an executive of ours engaged in the chain
    .has_ar = AR in place
    .has_sr = SR in place
    .has_fr = FR in place
    .iron_triangle = iron triangle (AR, SR, FR) complete
    .is_strategic = strategic account
    .departed_owner = the deal's owner has left
    .open_deal = deal open (not won or lost)
    .won = deal won
    .lost = deal lost
    .worth_winning_no = someone answered no to 'worth winning?'
    .worth_winning_answer_no = 'worth winning?' no (recorded or suggested)
    .questions_due_open = four questions due and not yes
    .owner_active = owner active through the signing
    .decision_maker_attitude = decision maker's attitude (lowest), -2 to 2
    .health = deal health, 0-100
    .exit_criteria_unmet = exit criteria of the stage not met
    .champion_moved = a champion has moved to another account
    .moved_doors = moved chain members we still have ties to
    .leaving_employees = our people leaving before the signing
    .support_requested = support requests, not cancelled or declined
    .budget_status = budget status
    .budget_confirmed = budget confirmed
    .budget_unconfirmed = budget not confirmed (unapproved or frozen)
    .budget_unknown = budget unknown
    .budget_below_amount = budget below the deal amount
    .has_compelling_event = compelling event recorded
    .days_to_compelling_event = days to the compelling event
    .tier = account tier
    .stage = current stage
    .people = people mapped at the account
    .departments = departments with people mapped
    .tied_people = people with a real tie of ours
    .open_opportunities = open opportunities
    .single_threaded_people = top-level key people on one thread or none
    .executive_sponsor = an executive of ours tied to their top level

## Refusals of what was entered (src/domain): the message of INVALID_INPUT, and
## extensions.messageZh in Chinese.

error-empty = must not be empty
error-too-long = is longer than { $max } characters
error-control = must not contain control characters
error-amount-finite = amount must be a finite number
error-amount-negative = amount must not be negative, got { $amount }
error-email = '{ $value }' is not an e-mail address
error-phone = '{ $value }' is not a phone number (5 to 20 digits, with + - ( ) . and spaces)
error-future = { $day } is in the future; record what has happened (today is { $today })
error-assessed-future = { $at } is in the future; an assessment records a judgement already made
error-date-outside = { $day } is outside the dates accepted ({ $from } to { $to })
error-our-participant = name at least one of our participants
error-customer-participant = name at least one customer participant
error-point-text = say what is to be improved
error-own-manager = a person cannot report to themselves
error-range = { $what } must be between { $min } and { $max }, got { $got }
error-amount-large = amount { $amount } is implausibly large
error-amount-cents = amount { $amount } has more than two decimals; give it to the cent (fen)
error-not-a-day = '{ $value }' is not a day; write it as YYYY-MM-DD
quantity =
    .strength = strength
    .influence = influence
    .attitude = attitude
