import Foundation
import GRDB
import Synchronization

/// The state file: every job, row, attempt and quota ledger entry (docs/SAFETY.md, "Checkpoints").
///
/// One value wraps one GRDB writer. Every state change that matters is one `write`
/// transaction; GRDB opens writes as `IMMEDIATE`, so a second process on the same file
/// waits its turn instead of interleaving.
public struct StateStore: Sendable {
    let writer: any DatabaseWriter
    /// Where the file is, for messages (`:memory:` for tests).
    public let path: String
    /// This connection's copy of the recent quota ledger (reservations decide from it).
    let ledgerMirror = LedgerMirror()

    /// Opens (creating if needed) the state file at `path`: mode 0600, WAL, migrated.
    ///
    /// Safe against a second process opening the same fresh file at the same moment: the
    /// creation and the migrations run under an exclusive lock on the state file's folder
    /// (`flock(2)`, released when this returns; the folder is never deleted, so no lock
    /// file is left behind).
    ///
    /// - Throws: ``StoreError``: `.corrupt` or `.newerSchema` (exit 65) naming the file,
    ///   `.cannotWrite` when the disk is full or read-only (exit 74).
    public static func open(path: String) throws -> StateStore {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: directory) {
            do {
                try fileManager.createDirectory(
                    atPath: directory, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
            } catch {
                let code = (error as NSError).userInfo[NSUnderlyingErrorKey].flatMap { ($0 as? NSError)?.code }
                if let code, StoreError.isWriteFailure(errno: Int32(code)) {
                    throw StoreError.cannotWrite(path: directory, reason: String(cString: strerror(Int32(code))))
                }
                throw StoreError.cannotCreateDirectory(path: directory, reason: error.localizedDescription)
            }
        }
        let lock = FolderLock(directory)
        defer { lock.release() }
        if !fileManager.fileExists(atPath: path) {
            // Create it ourselves so it is never world-readable, even for a moment.
            let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd < 0 && errno != EEXIST {
                let code = errno
                if StoreError.isWriteFailure(errno: code) {
                    throw StoreError.cannotWrite(path: path, reason: String(cString: strerror(code)))
                }
                throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(code)))
            }
            if fd >= 0 { close(fd) }
        }
        return try connect(path: path)
    }

    /// Opens the state file at `path` for a command that only reads state (`jobs`,
    /// `status`, `report`): never creates it, nor its folder.
    ///
    /// - Throws: ``StoreError/noStateFile(path:)`` when there is none (exit 64), and what
    ///   ``open(path:)`` throws.
    public static func openExisting(path: String) throws -> StateStore {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw StoreError.noStateFile(path: path) }
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw StoreError.cannotOpen(path: path, reason: "it is a folder; give the state file's path")
        }
        let lock = FolderLock(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        defer { lock.release() }
        return try connect(path: path)
    }

    /// Opens the pool and migrates, turning SQLite's errors into ``StoreError``s that name
    /// the file.
    private static func connect(path: String) throws -> StateStore {
        do {
            let pool = try DatabasePool(path: path, configuration: makeConfiguration())
            // A commit survives a killed process; only the one that marks a row `sending`
            // also waits for the disk (`writeSynced`). GRDB sets this on a pool's writer when
            // it turns WAL on; said here so that nothing depends on it.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            return try StateStore(pool, path: path)
        } catch {
            throw StoreError.classify(error, path: path) ?? StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// An in-memory store for tests, through the same migrations.
    public static func inMemory() throws -> StateStore {
        try StateStore(DatabaseQueue(configuration: makeConfiguration()), path: ":memory:")
    }

    init(_ writer: any DatabaseWriter, path: String) throws {
        self.writer = writer
        self.path = path
        let migrator = Self.migrator
        // A file written by a newer mdebatch holds migrations this one does not know: it
        // is left untouched.
        if try writer.read({ db in try migrator.hasBeenSuperseded(db) }) {
            throw StoreError.newerSchema(path: path)
        }
        do {
            try migrator.migrate(writer)
        } catch let error as DatabaseError where error.message?.contains("unregistered migration") == true {
            throw StoreError.newerSchema(path: path)
        }
        StoreError.lastOpenedPath.withLock { $0 = path }
    }

    /// A write transaction whose commit is on the disk when it returns
    /// (`PRAGMA synchronous = FULL` for that commit): the one that marks a row `sending`, so
    /// that a power cut, an OS crash or a battery dying in a sleeping laptop cannot lose the
    /// mark of a request that may have left, and the row is looked up before it is sent
    /// again (docs/SAFETY.md, "Checkpoints"). With WAL the sync also covers every commit
    /// before it. Other commits survive a killed process only: losing one to a power cut
    /// leaves its row `sending` or `pending` as it was, which the next run reconciles.
    func writeSynced<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute()
            defer { try? db.cachedStatement(sql: "PRAGMA synchronous = NORMAL").execute() }
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    static func makeConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = true
        return configuration
    }
}
