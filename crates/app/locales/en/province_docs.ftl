# The province's consolidated report and its appendix of communes (issue 13): where each
# commune's report stands.
provdoc-state-missing = Not sent
provdoc-state-sent = Awaiting review
provdoc-state-returned = Returned
provdoc-state-reopened = Being corrected by the commune
provdoc-state-accepted = Accepted
provdoc-late = (late)
provdoc-period-invalid = This reporting period is not valid. Choose a quarter, for example 2026-Q1.
