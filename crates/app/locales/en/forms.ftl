# Forms that keep what was typed; phones (issue 12, items 4 and 6).
forms-report-refused = The report was not saved: { $count ->
    [one] one field needs correcting; it is marked below.
   *[other] { $count } fields need correcting; they are marked below.
} Everything else you typed is kept.
forms-section-empty = Still empty
forms-section-full = All filled in
forms-section-errors = To correct
forms-not-given = (not given)
forms-remove-file-confirm = Remove this file?
forms-uploading = Uploading…
forms-upload-failed = The file was not uploaded. Check the connection and try again.
forms-photo-scaled = The photo was made smaller before sending.
forms-record-created = The new record is saved.
forms-record-saved = Your changes are saved.
forms-record-deleted = The record is deleted.
forms-file-added = The evidence file is attached.
forms-open-record = Open the record
forms-file-removed = The evidence file is removed.
