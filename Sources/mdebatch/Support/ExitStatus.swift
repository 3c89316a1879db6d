import ArgumentParser
import Foundation
import MDEBatchCore

/// The one place where outcomes and errors become exit codes (README.md, "Exit codes"; docs/OPERATIONS.md).
///
/// ArgumentParser's default for an unhandled error is 1, which the exit-code table gives its own
/// meaning ("complete, but some rows failed"), so every error is mapped here first.
enum ExitStatus {
    static let complete: Int32 = 0
    static let completeWithProblems: Int32 = 1
    static let usage: Int32 = 64
    static let inputUnusable: Int32 = 65
    static let internalError: Int32 = 70
    static let ioError: Int32 = 74
    static let stopped: Int32 = 75
    static let authentication: Int32 = 77

    /// The code for a job's outcome.
    static func code(for outcome: JobOutcome) -> Int32 {
        if case .authentication = outcome.stopReason { return authentication }
        if outcome.stopReason != nil || !outcome.isComplete { return stopped }
        return outcome.problemRows > 0 ? completeWithProblems : complete
    }

    /// The code of a status refresh: 0 when it went through (or `--watch` saw every action
    /// final), 77 when the credentials were refused, 75 when it stopped early otherwise.
    static func code(forStatusStop reason: StopReason?) -> Int32 {
        switch reason {
        case nil: return complete
        case .authentication: return authentication
        default: return stopped
        }
    }

    /// The code for an error that ended a command.
    static func code(for error: any Error) -> Int32 {
        switch error {
        case let exit as ExitCode: return exit.rawValue
        case is ValidationError: return usage
        case is InputError: return inputUnusable
        case let store as StoreError:
            switch store {
            case .unknownJob, .noStateFile, .notRunnable: return usage
            case .cannotWrite: return ioError
            default: return inputUnusable
            }
        case is OutputPathError: return usage
        case is OutputWriteError: return ioError
        case is AuthError: return authentication
        case is APIError, is QuotaError, is PlanConflict: return usage
        case is JobLockError: return stopped
        case is CancellationError: return stopped
        case is UsageError: return usage
        default:
            // SQLite's own errors: a damaged state file (65), a full or read-only disk (74).
            if let store = StoreError.classify(error) { return code(for: store) }
            return internalError
        }
    }

    /// Prints `Error: <description>` and returns the `ExitCode` to throw.
    static func fail(_ error: any Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        let code = code(for: error)
        var message = "Error: \(StoreError.classify(error).map { "\($0)" } ?? "\(error)")"
        if code == internalError {
            message +=
                "\nThis is a bug in mdebatch. The state file is consistent; please report it, then run the same command again."
        }
        Terminal.standardError(message)
        return ExitCode(code)
    }
}

/// A usage problem found after parsing (e.g. `-` without `--format`).
struct UsageError: Error, CustomStringConvertible {
    var description: String
}
