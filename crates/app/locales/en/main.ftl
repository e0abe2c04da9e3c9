app-name = S&T and Innovation Plan
footer = kehoach — a commune's science, technology and innovation plan
nav-plans = Plans
nav-plan = Plan
nav-indicators = Indicators
nav-tasks = Tasks
nav-units = Units
home-title = Plans
home-empty = No plan yet. An administrator loads one with `kehoach plan import FILE`.
col-number = No.
col-code = Code
col-indicator = Objective / indicator
col-content = Content
col-task = Task
col-lead = Lead
col-coordinators = Coordinators
col-time-frame = Time frame
col-unit = Unit
appendix-baseline = Result { $year }
appendix-target = Target { $year }
other-indicators = Other specific targets (section I.2 of the plan)
indicator-targets = Targets in the plan
indicator-kind-count = Count with a minimum
indicator-kind-ratio = Ratio with a threshold
indicator-kind-qualitative = Qualitative, assessed with evidence
field-kind = Kind
field-measure-unit = Unit of measure
field-baseline = Last year's result
field-target = Target
field-as-printed = As printed in the appendix
time-frame-year = Year { $year }
time-frame-ongoing = Ongoing
time-frame-every-year = Every year
word-indicator = Indicator
word-task = Task
word-group = Unit group
word-sample = sample
units-title = Units
groups-title = Unit groups
group-members = Current members
group-empty = No unit in this group yet. An administrator adds units (villages, quarters …) with `kehoach unit add` or `kehoach unit import`.
units-admin-hint = The commune's administrator keeps this list.
unit-kind-ubnd = Commune People's Committee
unit-kind-department = Department
unit-kind-service-centre = Service centre
unit-kind-mass-organisation = Fatherland Front, mass organisation
unit-kind-cooperative = Cooperative
unit-kind-village = Village
unit-kind-quarter = Residential quarter
unit-kind-outside = Outside body
unit-in-groups = In groups
unit-leads = Leads
unit-coordinates = Coordinates
unit-none = None.
unit-via = through the group
error-plan-not-found = This plan was not found.
error-indicator-not-found = This indicator is not in the plan.
error-task-not-found = This task is not in the plan.
error-unit-not-found = This unit was not found.
error-page-not-found = This page was not found.
error-internal = Something went wrong on the server. Please try again later; if it persists, tell the administrator.
error-home = Home
nav-users = Users
nav-audit = Audit trail
nav-login = Sign in
nav-logout = Sign out
role-admin = Administrator
role-lanh-dao = Commune leader
role-dau-moi = Focal officer
role-don-vi = Unit reporter
role-cap-tren = Province (Dept. of S&T)
role-trung-uong = Ministry of Science and Technology
login-title = Sign in
login-username = User name
login-password = Password
login-button = Sign in
login-wrong = Wrong user name or password.
account-title = My account
account-name = Full name
account-role = Role
account-place = Commune / unit
account-change = Change password
account-current = Current password
account-new = New password (at least 10 characters)
account-confirm = New password again
account-change-button = Change password
account-must-change = You are using a one-time password. Set a new password before you go on.
account-changed = Password changed. Your other sessions have been signed out.
password-too-short = The new password must have at least 10 characters.
password-has-username = The new password must not contain the user name.
password-current-wrong = The current password is wrong.
password-mismatch = The two new passwords differ.
users-title = Users
users-add = Add a user
users-add-button = Create account
users-unit = Unit (for a unit reporter)
users-password = Password (leave empty for a one-time password)
users-issued = One-time password of
users-issued-once = This password is shown once only. Hand it to the user; they must change it at their first sign-in.
users-disabled = disabled
users-reset = Reset password
users-disable = Disable
user-bad-username = A user name has 3–32 characters: lower-case ASCII letters, digits, dot, underscore or hyphen.
user-no-name = Enter the full name.
user-bad-role = Unknown role.
user-needs-unit = A unit reporter must be bound to a unit.
user-taken = This user name is taken.
user-unknown-commune = The user's commune was not found.
user-unknown-unit = This unit is not in the commune.
user-wrong-binding = This role is not bound to a commune or unit that way.
user-not-yourself = You cannot disable your own account.
units-add = Add a unit
units-add-button = Add unit
units-sample = Sample unit (for trying things out, not a real unit)
units-import = Import units from a CSV file
units-import-hint = A UTF-8 CSV file whose first line is the header: code,name,kind (and optionally sample). If any line is wrong, nothing is imported.
units-import-button = Import file
unit-bad-code = A unit code has lower-case ASCII letters, digits and hyphens, e.g. ban-na-hang.
unit-no-name = Enter the unit's name.
unit-bad-kind = Unknown unit kind.
unit-code-taken = Code already used by another unit or group: { $codes }.
csv-unreadable = The uploaded file could not be read.
csv-not-utf8 = The file is not UTF-8. Save it as "CSV UTF-8".
csv-missing = Choose a CSV file.
csv-row = Line { $line }
contact-title = Contact person
contact-hint = The unit's person in charge of, or contact for, science, technology, innovation and digital transformation work (section IV.2 of the plan).
contact-name = Name and position
contact-phone = Phone number
contact-note = Note
contact-save = Save
contact-bad-phone = A phone number has digits (at least 8), spaces, and + . - ( ) only.
audit-title = Audit trail
audit-kind = Record kind
audit-key = Record key
audit-actor = Changed by
audit-from = From
audit-to = To
audit-filter = Filter
audit-empty = No change matches the filter.
audit-bad-date = A date is YEAR-MONTH-DAY, e.g. 2026-03-05.
error-not-signed-in = You need to sign in to do this.
error-cross-site = Refused: the request did not come from this site's pages.
error-csrf = The form has expired or is invalid. Reload the page and try again.
error-no-policy = This page has no access rule, so it is refused.
error-read-only = The province reads the communes' data; it does not change it.
error-role-cannot = Your role may not do this.
error-must-change-password = Change your one-time password first (POST /api/v1/me/password).
error-locked = Too many failed sign-ins. Try again in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
error-too-large = The data sent is too large.
nav-plan-files = Plan files
plans-admin-title = The commune's plans
plans-upload = Load a plan file
plans-upload-hint = A TOML file as described in docs/plan-file.md. Loading the same plan again (same id) updates it; nothing is duplicated. A file with problems is not loaded, and every problem is listed.
plans-upload-button = Check and load
plan-missing = Choose a plan file.
plan-invalid = The plan file has problems and was not loaded:
plan-other-commune = This plan belongs to a commune you do not manage.
plan-id-taken = This plan id is already used by another commune.
plan-imported = Plan { $id } loaded.
plan-updated = Plan { $id } updated.
plan-unchanged = Plan { $id }: nothing changed.
nav-periods = Reporting periods
periods-title = Reporting periods
periods-hint = Every quarter, agencies, units, villages and quarters report to the commune by the plan's deadline, with data up to the cut-off day.
periods-period = Period
periods-deadline = Deadline
periods-data = Data from – to
periods-passed = passed
periods-due-before = due before
periods-my-report = My unit's report
period-quarter = Quarter { $quarter }
period-year = Year { $year }
report-title = Report
report-tasks = Tasks
report-figures = Indicator figures
report-texts = Results, difficulties, proposals
report-status = Status
report-note = Progress note
report-value = Figure
report-activities = Activities done
report-difficulties = Difficulties
report-proposals = Proposals
report-save = Save draft
report-submit = Submit report
report-review = Review
report-reason = Reason (required to return or reopen)
report-accept = Accept
report-return = Return for changes
report-reopen = Reopen
report-versions = Submissions
report-version = Submission
report-late = late
report-returned-because = Returned:
report-conflict = Someone else saved this report before you. What you typed is still in the form; see their changes below, and save again to keep yours.
report-conflict-changes = Differences between the saved report and yours:
report-no-body = The report content (body) is missing.
report-bad-number = The figure of indicator { $code } must be a number from 0 to 1,000,000,000,000, e.g. 2 or 2.5.
report-bad-intent = Unknown action.
report-done-save = Draft saved.
report-done-submit = Report submitted.
report-done-accept = Report accepted.
report-done-return = Report returned to the unit.
report-done-reopen = Report reopened.
report-state-draft = Draft
report-state-submitted = Submitted
report-state-accepted = Accepted
report-state-returned = Returned
refusal-awaiting-review = The report is submitted and waiting for the focal officer's review: it cannot be changed now.
refusal-locked = The report is accepted and locked. The focal officer can reopen it.
refusal-past-deadline = The deadline has passed and the plan takes no late reports.
refusal-not-submitted = Only a submitted report can be accepted or returned.
refusal-not-accepted = Only an accepted report can be reopened.
refusal-reason-required = Give a reason.
task-status-not-started = Not started
task-status-in-progress = In progress
task-status-done = Done
task-status-ongoing = Ongoing
standing-not-started = Not started
standing-draft = Draft
standing-submitted-on-time = Submitted on time
standing-submitted-late = Submitted late
standing-missing = Missing, overdue
standing-returned = Returned
standing-accepted = Accepted
board-title = Timeliness board
board-standing = Standing
board-complete = Complete
board-updated = Last updated
board-reason = Reason returned
board-csv = Download CSV
board-all = All
time-overdue = { $days ->
        [one] { $days } day
       *[other] { $days } days
    } overdue
time-days-left = { $days ->
        [one] { $days } day
       *[other] { $days } days
    } left
time-hours-left = { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    } left
board-on-time = on time
board-timeliness = Timeliness
consolidation-title = Commune report
consolidation-accepted = Units whose report is accepted
consolidation-approved = approved
consolidation-narrative = The commune's report
consolidation-approve = Approve the report
consolidation-approve-hint = Once approved, the report and its consolidated figures are frozen as a version and go up to the province.
consolidation-by-unit = Figures by unit
consolidation-total = Total
commune-report-frozen = The commune report is approved and can no longer be changed.
report-changes = Changes since the previous submission
ics-deadline = Report due
ics-report-at = Report at:
ics-subscribe = Report deadlines (.ics) for your phone calendar
due-title = To do
due-nothing = Nothing is due from you now.
due-my-unit = My unit's tasks and indicators
due-waiting = { $waiting ->
        [one] { $waiting } report waits
       *[other] { $waiting } reports wait
    } for review
due-missing = { $missing ->
        [one] { $missing } unit
       *[other] { $missing } units
    } overdue
reminders-title = Reminders
reminders-hint = Units that have not reported, are drafting, or were returned, each with a message ready to paste into a chat or an SMS.
reminders-none = No unit left to remind.
reminder-text = To { $unit }: please send your { $period } report on the plan "{ $plan }" before { $deadline }.{ $returned } Report online at: { $link }. Thank you.
reminder-returned = The report was returned for changes: { $reason }.
nav-requests = Ad hoc requests
period-request = Ad hoc request no. { $number }
report-questions = Questions
requests-title = Ad hoc requests
requests-none = No ad hoc request yet.
requests-units = { $n ->
        [one] { $n } unit asked
       *[other] { $n } units asked
    }
requests-new = Ask for an ad hoc report
requests-field-title = Title
requests-field-details = What is wanted
requests-field-deadline = Deadline (day, time)
requests-field-units = Units asked (units or groups)
requests-field-questions = Further questions (one a line)
requests-send = Send the request
request-no-title = Give the request a title.
request-no-units = Choose at least one unit (the groups chosen hold no unit yet).
request-unknown-unit = No unit or unit group has the code { $code }.
request-unknown-task = The plan has no task { $code }.
request-unknown-indicator = The plan has no indicator { $code }.
request-nothing-asked = Say what is wanted, or choose tasks, indicators, or ask questions.
request-deadline-passed = The deadline must be after now.
request-bad-deadline = Choose the deadline's day.
files-title = Evidence
files-none = No evidence file yet.
files-add = Add a photo or a PDF
files-remove = Remove
files-hint = Photos (JPEG, PNG, WebP, HEIC) or PDF files, at most 10 MB each and 10 per report.
file-too-large = The file is too large: at most 10 MB.
file-bad-type = Only photos (JPEG, PNG, WebP, HEIC) and PDF files are accepted.
file-missing = Choose a file.
file-too-many = A report keeps at most { $max ->
        [one] { $max } evidence file
       *[other] { $max } evidence files
    }.
report-done-file = Evidence file added.

## Registers
nav-registers = Registers
nav-progress = Indicator progress
word-yes = Yes
word-no = No
registers-title = Registers
registers-intro = Each record is dated, owned by a unit, and may carry evidence files. Indicators compute themselves from these registers.
register-add = Add a record
register-export = Download CSV
register-year = Year
register-filter = Filter
register-count = { $count ->
        [one] { $count } record
       *[other] { $count } records
    }
register-empty = No records yet.
register-unit = Unit
register-import = Import a CSV file
register-import-help = A CSV file (UTF-8) with the same columns as the download. If any row is wrong, nothing is imported and each wrong row is listed.
register-import-send = Import
register-imported = { $count ->
        [one] { $count } record
       *[other] { $count } records
    } imported.
register-save = Save
register-files = Evidence files
register-no-files = No evidence files yet.
register-attach = Attach a file
register-delete = Delete the record
register-delete-confirm = Delete this record?
register-forbidden = You may not write to this register for this unit.
register-no-such-unit = is not a unit of the commune
register-row = Row
register-refused = The record was not saved. Please correct:
register-import-refused = The file was not imported (no record was saved). Please correct these rows and import again:
register-csv-not-utf8 = The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”.
register-csv-unreadable = The CSV file cannot be read
register-csv-missing-column = The file has no “{ $column }” column.
register-csv-unknown-columns = The file has columns that are not in this register: { $columns }.
register-csv-empty = The file has no data rows.
register-conflict = Someone else has just changed this record. What you typed is still in the form; check it and save again.
register-version-missing = “version” is missing: the version of the record you read.
register-delete-referenced = Cannot delete: these records point at it: { $records }.

## Progress
status-achieved = Achieved
status-on-track = On track
status-at-risk = At risk
status-behind = Behind
status-not-measurable = Not yet measurable
chart-label = The indicator's value at each month's end against its target
progress-title = Indicator progress
progress-at = As of
progress-value = Result
progress-expected = Due by now
progress-status = Status
progress-rule = A yearly target accrues by quarter: each quarter that is over has earned a quarter of it. Short by at most one quarter's share is “at risk”; more is “behind”.
progress-now = Result so far
progress-evidence = See the records behind it
evidence-title = Evidence
evidence-counted = Records counted
evidence-not-counted = Records in the denominator not counted
evidence-none = No records yet.
evidence-figures = Figures from accepted unit reports
evidence-hidden = { $count ->
        [one] { $count } record of another unit is counted but not shown to you.
       *[other] { $count } records of other units are counted but not shown to you.
    }

# Initiatives (sáng kiến)
nav-initiatives = Initiatives
initiatives-title = Recognition of initiatives, { $year }
initiatives-propose = Propose an initiative
initiatives-recognised-link = Recognised initiatives
initiatives-round = Round of recognition
initiatives-round-open = Scoring
initiatives-round-decided = Closed
initiatives-opened-on = opened on { $date }
initiatives-closed-on = closed on { $date }
initiatives-council = Initiative council
initiatives-no-round = No round of recognition is open for this year.
initiatives-criteria = Criteria
initiatives-max = at most { $max } points
initiatives-thresholds = Recognised with at least { $total } points in total and { $each } in each criterion (the council's points are the average of its members' sheets).
initiatives-choose-council = Choose the members of the initiative council
initiatives-open = Open the round
initiatives-close = Close the round
initiatives-list = Initiatives proposed this year
initiatives-none = No initiative has been proposed this year.
initiatives-total = Total
initiatives-sheets = { $count ->
        [one] { $count } member has scored
       *[other] { $count } members have scored
    }
initiatives-eligible = Eligible
initiatives-not-eligible = Not eligible
initiatives-recognised = Recognised
initiatives-declined = Declined
initiatives-certificate = Certificate
initiatives-my-sheet = My score sheet
initiatives-my-sheet-again = My score sheet (scoring again replaces it)
initiatives-score = Save my scores
initiatives-note = Note
initiatives-recognise = Recognise
initiatives-decline = Decline
initiatives-choose-decision = Choose to recognise or to decline.
initiative-not-member = Only members of the round's initiative council may score.
initiatives-recognised-title = Initiatives recognised in { $year }
initiatives-recognised-none = No initiative has been recognised yet.
initiatives-col-title = Title
initiatives-col-authors = Authors
initiatives-col-field = Field
initiatives-col-unit = Unit
appendix-result = Result as of { $date }
consolidation-progress = Indicator results from the registers as of { $date }
table-assessment = Assessment
table-outside-appendix = { $title } (not in Appendix I)
table-appendix-1-sheet = Appendix I
table-appendix-2-sheet = Appendix II
table-task-status = Status (lead agency)
table-task-lead-note = Results and notes of the lead agency
table-task-coordinator-notes = Notes of the coordinating agencies
table-record-id = Record id
table-xlsx = Excel (.xlsx)
table-csv = CSV
table-appendix-1-download = Download Appendix I with results
table-appendix-2-download = Download Appendix II with task status
board-xlsx = Download Excel
register-export-xlsx = Download Excel

## Documents
download-plan-docx = Download the plan (.docx)
download-report-docx = Download the commune report (.docx)
download-report-draft-docx = Download the draft report (.docx)
error-bad-query = A parameter of the address is invalid: { $detail }

## Administration by scope
error-above-level = This account belongs to the province; only the province's administrator may change it.
user-above-level = A commune's administrator creates accounts of its own commune only; province accounts (province readers, the province's administrator) are created by the province's administrator.
users-province-level = Province ({ $province })
users-commune = Commune (empty: a province account)
users-commune-none = — Province —


## Bad input, refused the same way everywhere
text-control = { $field }: holds a control character that is not allowed ({ $code }).
text-line-break = { $field }: must be on one line.
text-direction = { $field }: holds a text-direction character that is not allowed ({ $code }).
text-too-long = { $field }: longer than { $max } characters.
field-unit-name = Unit name
field-full-name = Full name
field-title = Title
field-details = Details
field-question = Question
field-answer = Answer
field-note = Note
field-reason = Reason
field-code = Code
field-parameter = Parameter “{ $name }”
json-not-json = The body must be JSON (Content-Type: application/json).
json-syntax = The body is not valid JSON.
json-syntax-at = The body is not valid JSON (line { $line }, column { $column }).
json-missing-field = The required field “{ $field }” is missing.
json-unknown-field = There is no field “{ $field }”.
json-bad-shape = The JSON body does not have the expected shape.
json-bad-choice = The field “{ $field }” must be one of: { $allowed }.
json-bad-value = The field “{ $field }” must be { $expected }.
json-expect-text = a text
json-expect-number = a number
json-expect-list = a list
json-expect-bool = true or false
json-expect-object = a JSON object
json-expect-other = a value of the right type
error-bad-request = The request body could not be read. Reload the page and try again.
error-unsupported-type = This content type is not supported.
error-method-not-allowed = This address does not take this request method.

## Safe exports, bounded answers, the private calendar link
page-bad-limit = The limit parameter must be a number from 1 to { $max }.
page-bad-cursor = The cursor parameter is not valid: use the value the previous page gave (its Next-Cursor header) as it came.
pager-prev = Previous page
pager-next = Next page
pager-position = Page { $page } of { $pages } ({ $total ->
        [one] { $total } item
       *[other] { $total } items
    })
group-no-members = no units yet
group-member-count = { $n ->
        [one] { $n } unit
       *[other] { $n } units
    }
ics-private-title = The unit's private calendar
ics-private-hint = This calendar also holds the ad hoc report requests. Share its link only within the unit; renewing the link ends the old one.
ics-private-link = Report deadlines with ad hoc requests (.ics)
ics-private-create = Create a private calendar link
ics-private-renew = Renew the private calendar link

## Concurrent writes: a write that lost a race, a database busy past the wait
error-changed-meanwhile = Someone else has just changed this data. Reload the page and try again.
error-busy = The server is busy writing other data. Please try again in a moment.

# A message put together from texts already worded.
composed = { $text }
register-csv-unreadable-because = { register-csv-unreadable }: { $cause }
register-row-unreadable = { register-row } { $line }: { $cause }

## Words for what changed and who did what (issue 12): never a key on a page
change-line = { $what }: { $before } → { $after }
change-empty = (empty)
change-task-status = Task { $code } – status
change-task-note = Task { $code } – note
change-indicator-value = Indicator { $code } – figure
change-indicator-note = Indicator { $code } – note
change-answer = Answer to “{ $question }”
audit-action-register-add = Added a register record
audit-action-register-update = Changed a register record
audit-action-register-delete = Deleted a register record
audit-action-register-import = Imported register records from a CSV file
audit-action-register-generate = Generated sample register records (synthetic data)
audit-action-report-generate = Generated sample unit reports (synthetic data)
audit-action-register-system-field = Recorded the recognition of a record
audit-action-register-file-add = Attached an evidence file to a record
audit-action-register-file-remove = Removed an evidence file from a record
audit-action-report-save = Saved a report draft
audit-action-report-submit = Submitted a report
audit-action-report-accept = Accepted a report
audit-action-report-return = Returned a report for changes
audit-action-report-reopen = Reopened a report
audit-action-report-file-add = Added an evidence file to a report
audit-action-report-file-remove = Removed an evidence file from a report
audit-action-commune-report-save = Saved the commune report's text
audit-action-commune-report-send = Sent the commune report for approval
audit-action-commune-report-approve = Approved the commune report
audit-action-commune-report-reopen = Reopened the commune report for a correction
audit-action-commune-report-scan = Attached the signed commune report
audit-action-document-number = Took a document number
audit-action-initiative-open-round = Opened an initiative round
audit-action-initiative-score = Scored an initiative
audit-action-initiative-decide = Decided on an initiative
audit-action-initiative-close-round = Closed an initiative round
audit-action-plan-import = Loaded a plan
audit-action-plan-update = Updated a plan
audit-action-plan-drop-units = Removed units from a plan
audit-action-plan-reference = Recorded the plan's number and date
audit-action-request-create = Sent an ad hoc report request
audit-action-unit-add = Added a unit
audit-action-unit-contact = Updated a unit's contact
audit-action-unit-calendar-secret = Renewed a unit's private calendar link
audit-action-user-add = Created an account
audit-action-user-change-password = Changed a password
audit-action-user-disable = Disabled an account
audit-action-user-reset-password = Reset a password
audit-action-other = Other change
audit-kind-any = All
audit-kind-register-record = Register record
audit-kind-register = Register
audit-kind-report = Unit report
audit-kind-commune-report = Commune report
audit-kind-plan = Plan
audit-kind-unit = Unit
audit-kind-user = Account
audit-kind-initiative = Initiative
audit-kind-initiative-round = Initiative round
audit-kind-request = Ad hoc report request
audit-kind-document = Document number
audit-record-numbered = { $what } no. { $id }
audit-record-of = { $what } of { $whose }
audit-record-year = { $what } { $year }
audit-details = What changed
audit-nothing-shown = Nothing else to show.
audit-created = Created
audit-actor-system = The system (automatic)
audit-actor-cli = Server operator (command line)
audit-removed = Removed
