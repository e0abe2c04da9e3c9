# The province's decisions on the communes' reports (issue 13).
province-return-reason-required = Please give the reason for returning the report (at most 2,000 characters), so that the commune knows what to correct.
province-decision-taken = This report was already dealt with ({ $state ->
    [accepted] accepted
    [returned] returned
   *[other] waiting
}); it cannot be decided again.
province-decision-reopened = The commune has reopened this report to correct it; wait until it approves and sends it again.
