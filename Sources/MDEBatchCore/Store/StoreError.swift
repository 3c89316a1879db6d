import Foundation
import GRDB
import Synchronization

/// Problems with the state file.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, reason: String)
    case cannotOpen(path: String, reason: String)
    case unknownJob(id: String, known: [String])
    /// The job is the lookup record of `mdebatch targets`: it has no rows to send.
    case notRunnable(id: String)
    case newerSchema(path: String)
    /// Not an SQLite database, or a damaged one (exit 65).
    case corrupt(path: String, reason: String)
    /// The disk is full, read-only, or failing (exit 74): every committed change is kept.
    case cannotWrite(path: String, reason: String)
    /// A command that only reads state found no state file (exit 64).
    case noStateFile(path: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            return "Cannot create the state directory '\(path)': \(reason)."
        case .cannotOpen(let path, let reason):
            return "Cannot open the state file '\(path)': \(reason)."
        case .unknownJob(let id, let known):
            let list = known.isEmpty ? "there are no jobs in this state file" : "known jobs: \(known.joined(separator: ", "))"
            return "No job '\(id)' in the state file; \(list)."
        case .notRunnable(let id):
            return "Job '\(id)' holds the lookups of mdebatch targets; it has nothing to send, resume or cancel."
        case .newerSchema(let path):
            return "The state file '\(path)' was written by a newer mdebatch; upgrade mdebatch to use it."
        case .corrupt(let path, let reason):
            return "The state file '\(path)' is not a usable mdebatch state file (\(reason)); "
                + "give another --state, or move it aside to start afresh (its jobs are then forgotten)."
        case .cannotWrite(let path, let reason):
            return "Cannot write the state file '\(path)': \(reason). "
                + "Nothing was lost: every committed change is in the state file; free space and run again."
        case .noStateFile(let path):
            return "No state file at '\(path)'; nothing was created. Check --state (or $MDEBATCH_STATE), "
                + "or start a job with: mdebatch run FILE"
        }
    }

    /// The state file this process opened last, to name it in an error that SQLite raises
    /// later (a damaged page found by a query, a full disk on a write).
    static let lastOpenedPath = Mutex<String?>(nil)

    /// The ``StoreError`` an SQLite error stands for: a damaged file (`.corrupt`) or a
    /// failed write (`.cannotWrite`); nil for any other error.
    ///
    /// - Parameter path: the state file; nil for the one this process opened last.
    public static func classify(_ error: any Error, path: String? = nil) -> StoreError? {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else { return nil }
        let file = path ?? lastOpenedPath.withLock { $0 } ?? "(state file)"
        let reason = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FORMAT:
            return .corrupt(path: file, reason: reason)
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_NOLFS:
            return .cannotWrite(path: file, reason: reason)
        default:
            return nil
        }
    }

    /// Whether a failed system call means the disk is full, read-only or failing.
    static func isWriteFailure(errno code: Int32) -> Bool {
        [ENOSPC, EROFS, EDQUOT, EIO, EFBIG, EACCES, EPERM].contains(code)
    }
}
