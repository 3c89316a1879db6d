import Foundation

/// Where a report goes (`--report`, `--output`), checked before the first request is sent.
///
/// - `-` is standard output; so are `/dev/stdout`, `/dev/fd/1` and `/proc/self/fd/1`
///   (`/dev/stderr` and descriptor 2 likewise are standard error): the descriptor is
///   written as it is, never replaced.
/// - A device, a FIFO or a socket is written in place (opened, never renamed over), so
///   `--report /dev/null` stays `/dev/null`.
/// - A regular file, or a new one, is replaced atomically: a temporary file created with
///   mode 0600 in the same folder, renamed over the path. Reports hold the fleet's ids and
///   comments, so they are never world-readable.
/// - A symbolic link is written through: its final target is checked and written as above
///   (a regular target is replaced atomically and the link stays a link). A link that
///   points nowhere is refused, so a planted link cannot make the tool create a file
///   somewhere else.
/// - A folder, a missing folder, a parent that is not a folder, or a folder where the tool
///   cannot create a file is an ``OutputPathError`` (a usage error, exit 64).
public enum OutputPath: Sendable, Equatable {
    /// The process's own descriptor (1 or 2).
    case descriptor(Int32)
    /// A device, FIFO or socket: opened and written, never renamed over.
    case inPlace(path: String)
    /// A regular file (existing or new) at `path` (symbolic links resolved): replaced atomically.
    case file(path: String)

    /// Checks `path` and says how it will be written; creates nothing that stays.
    ///
    /// - Throws: ``OutputPathError`` naming the path, what is wrong and what to do.
    public static func check(_ path: String) throws(OutputPathError) -> OutputPath {
        if path.isEmpty { throw .empty }
        if let descriptor = standardDescriptor(path) { return .descriptor(descriptor) }

        var link = stat()
        if lstat(path, &link) == 0 {
            var info = stat()
            guard stat(path, &info) == 0 else {
                // Only a symbolic link can lstat but not stat.
                throw .danglingLink(path: path, target: (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw .isFolder(path: path)
            case S_IFREG:
                let resolved = (link.st_mode & S_IFMT) == S_IFLNK ? realPath(path) ?? path : path
                try checkFolder(of: resolved, for: path)
                return .file(path: resolved)
            default:
                guard access(path, W_OK) == 0 else {
                    throw .notWritable(path: path, reason: String(cString: strerror(errno)))
                }
                return .inPlace(path: path)
            }
        }
        let code = errno
        guard code == ENOENT else {
            if code == ENOTDIR { throw .parentNotFolder(path: path, parent: parent(of: path)) }
            throw .notWritable(path: path, reason: String(cString: strerror(code)))
        }
        try checkFolder(of: path, for: path)
        return .file(path: path)
    }

    /// Whether this is one of the names of the process's standard output or error.
    static func standardDescriptor(_ path: String) -> Int32? {
        switch path {
        case "-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1": return STDOUT_FILENO
        case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2": return STDERR_FILENO
        default: return nil
        }
    }

    /// The folder a file at `path` goes in (`.` for a bare name).
    static func parent(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// The folder must exist, be a folder, and take a new file: tried for real (a probe file
    /// created and removed), since permission bits do not tell root, a read-only mount or
    /// /proc apart.
    private static func checkFolder(of path: String, for shown: String) throws(OutputPathError) {
        let folder = parent(of: path)
        var info = stat()
        guard stat(folder, &info) == 0 else {
            let code = errno
            if code == ENOENT { throw .missingFolder(path: shown, folder: folder) }
            if code == ENOTDIR { throw .parentNotFolder(path: shown, parent: folder) }
            throw .notWritable(path: shown, reason: String(cString: strerror(code)))
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .parentNotFolder(path: shown, parent: folder) }
        let probe = (folder as NSString).appendingPathComponent(
            ".mdebatch-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .notWritable(path: shown, reason: "cannot create a file in '\(folder)': \(String(cString: strerror(errno)))")
        }
        close(fd)
        unlink(probe)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// An output path that cannot be used, found before anything is sent (exit 64).
public enum OutputPathError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case isFolder(path: String)
    case missingFolder(path: String, folder: String)
    case parentNotFolder(path: String, parent: String)
    case notWritable(path: String, reason: String)
    case danglingLink(path: String, target: String)

    public var description: String {
        switch self {
        case .empty:
            return "The output path is empty; give a file name, or - for standard output."
        case .isFolder(let path):
            return
                "The output path '\(path)' is a folder; give a file name inside it, e.g. '\((path as NSString).appendingPathComponent("report.csv"))'."
        case .missingFolder(let path, let folder):
            return "Cannot write '\(path)': the folder '\(folder)' does not exist; create it or choose another path."
        case .parentNotFolder(let path, let parent):
            return "Cannot write '\(path)': '\(parent)' is not a folder; choose another path."
        case .notWritable(let path, let reason):
            return "Cannot write '\(path)': \(reason); choose a folder you can write to."
        case .danglingLink(let path, let target):
            return
                "The output path '\(path)' is a symbolic link to '\(target)', which does not exist; mdebatch writes through links only to existing files. Remove the link or give the target's path."
        }
    }
}

/// A report that could not be written after its path was checked: the disk is full, the
/// file system went read-only, or an I/O error (exit 74). The state file holds everything;
/// `mdebatch report JOB` writes it again.
public struct OutputWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        "Cannot write the report '\(path)': \(reason). Nothing was lost: the state file holds every row; free space and run again."
    }
}
