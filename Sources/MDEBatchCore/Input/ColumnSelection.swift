/// The column indices the ingest pipeline reads; every other column is skipped unread.
struct ColumnSelection: Sendable, Equatable {
    var machineId: Int
    var sha1: Int
    var comment: Int?
}
