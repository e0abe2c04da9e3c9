# The province's consolidated report and its Phụ lục of communes (issue 13): where each commune's
# report stands, as the document writes it.
provdoc-state-missing = Chưa gửi
provdoc-state-sent = Chờ xem xét
provdoc-state-returned = Đã trả lại
provdoc-state-reopened = Xã đang sửa
provdoc-state-accepted = Đã tiếp nhận
provdoc-late = (gửi muộn)
provdoc-period-invalid = Kỳ báo cáo không hợp lệ. Xin chọn một quý, ví dụ 2026-Q1.
