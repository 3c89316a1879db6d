import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on one job across processes, held while it sends.
///
/// Two processes sending the same job could both see a row `pending` between their
/// transactions' reads; the lock turns the second into a wait-free refusal. It is keyed by
/// the identity of the state file — its device and inode — not by the spelling of its
/// path, so a symlink, a hard link or a relative path cannot run the same job twice.
///
/// The lock file lives in `$TMPDIR/mdebatch-locks/`, named after the state file's device
/// and inode. On Linux there is one such file per state file, and a job holds an
/// open-file-description lock (`F_OFD_SETLK`) on one byte of it chosen by the job id, so
/// lock files do not pile up one per job; elsewhere it is an `flock` on a file per job.
/// The kernel releases either when the process dies: a crash never leaves a stale lock.
/// (The state file itself is never opened for this: closing a second descriptor of it
/// would drop SQLite's own POSIX locks.)
public final class JobLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, or throws `JobLockError.busy` when another process holds it.
    public init(statePath: String, jobId: String) throws {
        var info = stat()
        let identity: String
        if statePath == ":memory:" {
            identity = "memory-\(getpid())"
        } else {
            guard stat(statePath, &info) == 0 else {
                throw JobLockError.cannotCreate(path: statePath, reason: String(cString: strerror(errno)))
            }
            identity = "\(info.st_dev)-\(info.st_ino)"
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-locks")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #if os(Linux)
            // One file per state file; one byte of it per job.
            let path = folder.appendingPathComponent("\(identity).lock").path
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw JobLockError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            lock.l_start = Self.byte(for: jobId)
            lock.l_len = 1
            lock.l_pid = 0
            let ofdSetLock: Int32 = 37  // F_OFD_SETLK, which Glibc does not export
            guard fcntl(fd, ofdSetLock, &lock) == 0 else {
                close(fd)
                throw JobLockError.busy(jobId: jobId)
            }
        #else
            let path = folder.appendingPathComponent("\(identity)-\(jobId).lock").path
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw JobLockError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw JobLockError.busy(jobId: jobId)
            }
        #endif
        descriptor = fd
    }

    /// The byte a job locks: a 48-bit FNV-1a hash of its id.
    static func byte(for jobId: String) -> off_t {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in jobId.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return off_t(hash & 0xFFFF_FFFF_FFFF)
    }

    deinit {
        // Closing the descriptor releases the lock.
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
            return "Cannot open '\(path)' to lock the job: \(reason)."
        }
    }
}
