# The province's decisions on the communes' reports (issue 13).
province-return-reason-required = Xin ghi lý do trả lại báo cáo (không quá 2.000 ký tự) để xã biết cần sửa gì.
province-decision-taken = Báo cáo này đã được xử lý trước đó ({ $state ->
    [accepted] đã tiếp nhận
    [returned] đã trả lại
   *[other] đang chờ
}); không thể quyết định lại.
province-decision-reopened = Xã đã mở lại báo cáo này để sửa; hãy chờ xã phê duyệt và gửi lại.
