import Foundation
import GRDB

/// The state file: every job, row, attempt and quota ledger entry (SPEC §4).
///
/// One value wraps one GRDB writer. Every state change that matters is one `write`
/// transaction; GRDB opens writes as `IMMEDIATE`, so a second process on the same file
/// waits its turn instead of interleaving.
public struct StateStore: Sendable {
    let writer: any DatabaseWriter
    /// Where the file is, for messages (`:memory:` for tests).
    public let path: String

    /// Opens (creating if needed) the state file at `path`: mode 0600, WAL, migrated.
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
                throw StoreError.cannotCreateDirectory(path: directory, reason: error.localizedDescription)
            }
        }
        if !fileManager.fileExists(atPath: path) {
            // Create it ourselves so it is never world-readable, even for a moment.
            let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if fd < 0 && errno != EEXIST {
                throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            if fd >= 0 { close(fd) }
        }
        do {
            let pool = try DatabasePool(path: path, configuration: makeConfiguration())
            return try StateStore(pool, path: path)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError.cannotOpen(path: path, reason: "it is not an SQLite database")
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// An in-memory store for tests, through the same migrations.
    public static func inMemory() throws -> StateStore {
        try StateStore(DatabaseQueue(configuration: makeConfiguration()), path: ":memory:")
    }

    init(_ writer: any DatabaseWriter, path: String) throws {
        self.writer = writer
        self.path = path
        do {
            try Self.migrator.migrate(writer)
        } catch let error as DatabaseError where error.message?.contains("unregistered migration") == true {
            throw StoreError.newerSchema(path: path)
        }
    }

    static func makeConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // Durable at commit in WAL mode; a crash never loses a committed `sending`.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }
}
