# The commune report as a record: approval, versions, the signed scan, reopening.
commune-report-state-draft = Draft
commune-report-state-awaiting = Awaiting the leaders' approval
commune-report-state-approved = Approved
commune-report-state-reopened = Reopened for a correction
commune-report-record = Issued report:
commune-report-number-line = No. { $number }
commune-report-issued-on = dated { $date }
commune-report-record-hint = The document is kept exactly as approved; every download returns this very file.
commune-report-drift = The registers' figures now differ from those in the approved report (at the same date). The issued report does not change; to correct it, a leader reopens it.
commune-report-scan = Signed copy
commune-report-scan-download = Download the signed copy (PDF)
commune-report-scan-attach = Attach the signed and stamped scan (PDF)
commune-report-scan-hint = A PDF file, at most 10 MB. The province downloads it with the report.
commune-report-scan-send = Attach
commune-report-scan-too-large = The file is too large: at most { $max } MB.
commune-report-scan-not-pdf = The signed copy must be a PDF file.
commune-report-scan-attached = This version has its signed copy already; to replace it, a leader reopens the report for a correction.
commune-report-missing = { $count ->
    [one] One unit's report is not accepted:
   *[other] { $count } units' reports are not accepted:
}
commune-report-confirm-incomplete = I know some units have not reported, and approve all the same.
commune-report-confirm-missing = { $count ->
    [one] One unit's report is not accepted
   *[other] { $count } units' reports are not accepted
} ({ $units }). Confirm to approve all the same.
commune-report-number = Document number
commune-report-number-hint = The number the clerk gives from the People's Committee's outgoing register (the number only, e.g. 15).
commune-report-number-auto = The product numbers the reports in order within the year.
commune-report-number-required = Enter the document number the clerk gave.
commune-report-number-invalid = The document number “{ $value }” is not valid: write the number only, e.g. 15.
commune-report-number-taken = Number { $number } is already used this year for another document. Ask the clerk for the right one.
commune-report-signer = Signer
commune-report-signer-name = Signer
commune-report-signer-title = Signer's title
commune-report-signer-authority = Signing authority (one per line, e.g. TM. ỦY BAN NHÂN DÂN)
commune-report-signer-unknown = { $name } is not one of the commune's leaders.
commune-report-signer-title-required = Enter the signer's title.
commune-report-send = Send for approval
commune-report-send-hint = Once sent, the report appears on the leaders' to-do list. You can still change it until it is approved.
commune-report-reopen = Reopen for a correction
commune-report-reopen-hint = The issued report stays as it is and can still be read. The next approval makes a new version with a new number.
commune-report-reopen-reason = Reason for the correction
commune-report-reopen-reason-required = Say why the report is reopened.
commune-report-not-approved = The report is not approved, so there is nothing to reopen.
commune-report-versions = Approved versions
commune-report-version = Version
commune-report-approved-by = Approved by
commune-report-files = Files
commune-report-superseded = Replaced on { $date }
commune-report-figures-at = Indicators' results as of { $date }
commune-report-as-of-cut-off = Figures as of the period's data cut-off.
commune-report-as-of-approval = Figures as of the day of approval, before the period's data cut-off.
commune-report-done-saved = The report's text is saved.
commune-report-done-sent = Sent to the leaders for approval.
commune-report-done-approved = Approved and kept as issued.
commune-report-done-reopened = The report is reopened for a correction.
commune-report-done-scan = The signed copy is attached.
commune-report-done-reference = The plan's number and date are saved.
refusal-period-closed = The commune report of this period is approved, so the units' reports are closed. To change one, ask a leader to reopen the commune report.
plan-reference-title = The plan's number and date
plan-reference-hint = The plan file has no number and date of issue. Fill them in so that reports cite the plan correctly.
plan-reference-number = The plan's number (the number only, e.g. 12)
plan-reference-number-required = Enter the plan's number.
plan-reference-date = Date of issue
plan-reference-date-invalid = The date of issue is not valid (e.g. 2026-01-20, in the plan's year or the one before).
source-title = Source
source-registers = Registers
source-unit-reports = Units' reports
source-assessment = Assessment (assessments register)
source-none = Not measured
consolidation-unit-figures = Figures the units reported this period (indicators made of unit reports)
commune-report-built-from = Built from the accepted reports of:
commune-report-unit-version = saved version { $version }
