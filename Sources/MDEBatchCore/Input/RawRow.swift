/// One record as a reader hands it to the validator, before any checks.
///
/// The buffers point into the reader's window and are valid only during the call that
/// receives them: nothing is copied for the columns the pipeline does not need.
enum RawRow {
    /// The three cells, untrimmed; `comment` is `nil` when the input has no comment column
    /// (or the JSON object has no comment key).
    case cells(
        machineId: UnsafeBufferPointer<UInt8>, sha1: UnsafeBufferPointer<UInt8>, comment: UnsafeBufferPointer<UInt8>?)
    /// A record that could not be read as cells; the strings are whatever could be
    /// recovered, for the report.
    case rejected(reason: RejectionReason, message: String, machineId: String, sha1: String, comment: String)
}
