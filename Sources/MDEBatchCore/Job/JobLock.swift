import Foundation

/// An exclusive lock on one job across processes, held while it sends.
///
/// Two processes sending the same job could both see a row `pending` between their
/// transactions' reads; the lock makes one wait-free refusal instead. It is an `flock`
/// on a file beside the state file, so the kernel releases it when the process dies —
/// a crash never leaves a stale lock behind.
public final class JobLock: Sendable {
    private let descriptor: Int32
    public let path: String

    /// Takes the lock, or throws `JobLockError.busy` when another process holds it.
    public init(statePath: String, jobId: String) throws {
        path = statePath == ":memory:"
            ? FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-\(jobId).lock").path
            : statePath + ".\(jobId).lock"
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw JobLockError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw JobLockError.busy(jobId: jobId)
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

public enum JobLockError: Error, Equatable, CustomStringConvertible {
    case busy(jobId: String)
    case cannotCreate(path: String, reason: String)

    public var description: String {
        switch self {
        case .busy(let jobId):
            return "Job \(jobId) is already running in another mdebatch process; wait for it to finish or stop it first."
        case .cannotCreate(let path, let reason):
            return "Cannot create the job lock file '\(path)': \(reason)."
        }
    }
}
