import Foundation
import GRDB

/// What applying the lookups did to a job's unresolved rows.
public struct ResolutionCounts: Sendable, Equatable {
    public var resolved = 0
    /// Extra rows made by `--all-matches` (one per further device).
    public var added = 0
    public var ambiguous = 0
    public var deviceNotFound = 0
    public var fileNotFound = 0
    public var failed = 0
    /// Rows that became duplicates or already-submitted once resolved.
    public var duplicates = 0
    /// Rows still waiting for a lookup (the job stopped first).
    public var unresolved = 0

    public init() {}
}

extension StateStore {
    /// How long a name's records are trusted (`--refresh-names` trusts none from before the run).
    public static let nameLookupLifetime: TimeInterval = 24 * 3600
    /// How long "no such file" is trusted (a found SHA-1 is trusted for good).
    public static let fileMissLifetime: TimeInterval = 24 * 3600

    /// The distinct device name keys and SHA-256s the job's unresolved rows need.
    public func resolutionNeeds(jobId: String) throws -> (names: Set<String>, hashes: Set<String>) {
        try writer.read { db in
            var names = Set<String>()
            var hashes = Set<String>()
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT machineId, sha1, deviceName, inputHash FROM jobRow WHERE jobId = ? AND state = 'unresolved'",
                arguments: [jobId])
            while let row = try rows.next() {
                if (row["machineId"] as String).isEmpty, let name: String = row["deviceName"] {
                    names.insert(DeviceName.key(name))
                }
                if (row["sha1"] as String).isEmpty, let hash: String = row["inputHash"] { hashes.insert(hash) }
            }
            return (names, hashes)
        }
    }

    /// The names among `names` whose records were looked up on `targetKey` after `freshAfter`.
    public func knownNames(targetKey: String, among names: Set<String>, freshAfter: Date) throws -> Set<String> {
        try writer.read { db in
            var known = Set<String>()
            for name in names
            where try Bool.fetchOne(
                db, sql: "SELECT 1 FROM deviceNameLookup WHERE targetKey = ? AND name = ? AND fetchedAt > ?",
                arguments: [targetKey, name, freshAfter.timeIntervalSince1970]) ?? false
            {
                known.insert(name)
            }
            return known
        }
    }

    /// The SHA-256s among `hashes` with a known SHA-1 on `targetKey`, or a miss after `missFreshAfter`.
    public func knownHashes(targetKey: String, among hashes: Set<String>, missFreshAfter: Date) throws -> Set<String> {
        try writer.read { db in
            var known = Set<String>()
            for hash in hashes
            where try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM fileHashLookup WHERE targetKey = ? AND sha256 = ? AND (sha1 IS NOT NULL OR fetchedAt > ?)",
                arguments: [targetKey, hash, missFreshAfter.timeIntervalSince1970]) ?? false
            {
                known.insert(hash)
            }
            return known
        }
    }

    /// The SHA-1 of a SHA-256 known on `targetKey` (nil when unknown or a miss).
    public func knownSHA1(targetKey: String, sha256: String) throws -> String? {
        try writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT sha1 FROM fileHashLookup WHERE targetKey = ? AND sha256 = ?", arguments: [targetKey, sha256])
        }
    }

    /// The fleet size the last complete sweep of `targetKey`'s inventory saw.
    public func knownFleetSize(targetKey: String) throws -> Int? {
        try writer.read { db in
            try Int.fetchOne(db, sql: "SELECT machines FROM inventorySweep WHERE targetKey = ?", arguments: [targetKey])
        }
    }

    /// Writes what a lookup found (inside the transaction that records its call).
    static func store(_ facts: LookupFacts, now: Date, db: Database) throws {
        let at = now.timeIntervalSince1970
        for (name, records) in facts.names {
            try db.execute(
                sql: "INSERT OR REPLACE INTO deviceNameLookup (targetKey, name, records, fetchedAt) VALUES (?, ?, ?, ?)",
                arguments: [facts.targetKey, name, MachineCandidate.encode(records), at])
        }
        for (sha256, sha1) in facts.hashes {
            try db.execute(
                sql: "INSERT OR REPLACE INTO fileHashLookup (targetKey, sha256, sha1, fetchedAt) VALUES (?, ?, ?, ?)",
                arguments: [facts.targetKey, sha256, sha1, at])
        }
        if let machines = facts.sweptMachines {
            try db.execute(
                sql: "INSERT OR REPLACE INTO inventorySweep (targetKey, machines, sweptAt) VALUES (?, ?, ?)",
                arguments: [facts.targetKey, machines, at])
        }
        // A lookup refused for good fails the rows that needed it, with what to do.
        guard !facts.failedNames.isEmpty || !facts.failedHashes.isEmpty, let jobId = facts.jobId else { return }
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT id, machineId, sha1, deviceName, inputHash FROM jobRow WHERE jobId = ? AND state = 'unresolved'",
            arguments: [jobId])
        for row in rows {
            var message: String?
            if (row["machineId"] as String).isEmpty, let name: String = row["deviceName"] {
                // Names compare as the resolver keys them (Unicode lower case), not as SQL's lower().
                message = facts.failedNames[DeviceName.key(name)]
            }
            if message == nil, (row["sha1"] as String).isEmpty, let hash: String = row["inputHash"] {
                message = facts.failedHashes[hash]
            }
            guard let message else { continue }
            try db.execute(
                sql: "UPDATE jobRow SET state = 'failed', errorCode = 'resolution-failed', errorMessage = ? WHERE id = ?",
                arguments: [message, row["id"] as Int64])
        }
    }

    /// Resolves every unresolved row of the job whose lookups are known, in one
    /// transaction: to `pending` with its machine id and SHA-1 (or `duplicate` /
    /// `already-submitted` when another row already has them), or to
    /// `ambiguous-device-name` (with its candidates), `device-not-found` or
    /// `file-not-found`. With `allMatches`, an ambiguous row is sent to each candidate:
    /// it takes the first, and a row is added for each other.
    public func applyResolution(
        jobId: String, targetKey: String, allMatches: Bool, resubmit: Bool, namesFreshAfter: Date, now: Date
    ) throws -> ResolutionCounts {
        try writer.write { db in
            var counts = ResolutionCounts()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, source, line, machineId, sha1, comment, deviceName, inputHash FROM jobRow
                    WHERE jobId = ? AND state = 'unresolved' ORDER BY id
                    """, arguments: [jobId])
            guard !rows.isEmpty else { return counts }
            var names: [String: [MachineCandidate]?] = [:]
            var hashes: [String: String??] = [:]
            // The keys this job already sends: a resolved row equal to one is a duplicate.
            var taken = [String: String]()
            let existing = try Row.fetchCursor(
                db,
                sql: """
                    SELECT machineId, sha1, source, line FROM jobRow WHERE jobId = ? AND machineId != '' AND sha1 != ''
                      AND state NOT IN ('invalid', 'duplicate', 'already-submitted', 'unresolved')
                    """, arguments: [jobId])
            while let row = try existing.next() {
                taken[(row["machineId"] as String) + "|" + (row["sha1"] as String)] =
                    "\(row["source"] as String):\(row["line"] as Int)"
            }
            for row in rows {
                let id: Int64 = row["id"]
                var machineId: String = row["machineId"]
                var sha1: String = row["sha1"]
                let deviceName: String? = row["deviceName"]
                let inputHash: String? = row["inputHash"]
                let location = "\(row["source"] as String):\(row["line"] as Int)"
                var devices: [String] = []
                var ambiguity: [MachineCandidate]?
                var outcome: (state: RowState, message: String)?
                if machineId.isEmpty, let deviceName {
                    let key = DeviceName.key(deviceName)
                    if names[key] == nil {
                        names[key] = try String.fetchOne(
                            db,
                            sql: "SELECT records FROM deviceNameLookup WHERE targetKey = ? AND name = ? AND fetchedAt > ?",
                            arguments: [targetKey, key, namesFreshAfter.timeIntervalSince1970]
                        ).map { MachineCandidate.decode($0) }
                    }
                    guard let records = names[key] ?? nil else {
                        counts.unresolved += 1
                        continue
                    }
                    switch DeviceMatch(records) {
                    case .one(let candidate):
                        devices = [candidate.id]
                    case .ambiguous(let candidates) where allMatches:
                        devices = candidates.map(\.id)
                    case .ambiguous(let candidates):
                        ambiguity = candidates
                        outcome = (.ambiguousDeviceName, Self.ambiguousMessage(deviceName, candidates))
                    case .none:
                        outcome = (
                            .deviceNotFound,
                            "no device named '\(deviceName)' in the Defender inventory (merged records are ignored); "
                                + "check the name, or give the device's machine id"
                        )
                    }
                } else {
                    devices = [machineId]
                }
                if sha1.isEmpty, let inputHash, outcome == nil {
                    if hashes[inputHash] == nil {
                        let found = try Row.fetchOne(
                            db, sql: "SELECT sha1 FROM fileHashLookup WHERE targetKey = ? AND sha256 = ?",
                            arguments: [targetKey, inputHash])
                        hashes[inputHash] = found.map { $0["sha1"] as String? }
                    }
                    guard let known = hashes[inputHash] ?? nil else {
                        counts.unresolved += 1
                        continue
                    }
                    guard let value = known else {
                        outcome = (
                            .fileNotFound,
                            "Defender knows no file with SHA-256 \(inputHash); check the hash, or give the file's SHA-1"
                        )
                        try Self.finishUnresolved(db, id: id, outcome: outcome!, candidates: nil)
                        counts.fileNotFound += 1
                        continue
                    }
                    sha1 = value
                }
                if let outcome {
                    try Self.finishUnresolved(db, id: id, outcome: outcome, candidates: ambiguity)
                    if outcome.state == .ambiguousDeviceName { counts.ambiguous += 1 } else { counts.deviceNotFound += 1 }
                    continue
                }
                for (index, device) in devices.enumerated() {
                    machineId = device
                    var rowId = id
                    if index > 0 {
                        try db.execute(
                            sql: """
                                INSERT INTO jobRow (jobId, source, line, machineId, sha1, comment, state, deviceName, inputHash,
                                                    adopted, attempts)
                                VALUES (?, ?, ?, '', '', ?, 'unresolved', ?, ?, 0, 0)
                                """,
                            arguments: [
                                jobId, row["source"] as String, row["line"] as Int, row["comment"] as String, deviceName,
                                inputHash,
                            ])
                        rowId = db.lastInsertedRowID
                        try Self.addNewJobRowCounts(
                            db, jobId: jobId,
                            counters: [
                                JobRowCounter(
                                    state: RowState.unresolved.rawValue, adopted: false, actionStatus: nil, tracked: false): 1
                            ])
                        counts.added += 1
                    }
                    let key = machineId + "|" + sha1
                    if let first = taken[key] {
                        try db.execute(
                            sql: """
                                UPDATE jobRow SET machineId = ?, sha1 = ?, state = 'duplicate', errorCode = 'duplicate',
                                    errorMessage = ? WHERE id = ?
                                """, arguments: [machineId, sha1, "duplicate of \(first) once resolved", rowId])
                        counts.duplicates += 1
                        continue
                    }
                    taken[key] = location
                    try db.execute(
                        sql: "UPDATE jobRow SET machineId = ?, sha1 = ?, state = 'pending' WHERE id = ?",
                        arguments: [machineId, sha1, rowId])
                    counts.resolved += 1
                    if !resubmit,
                        let previous = try Self.submittedElsewhere(db, targetKey: targetKey, jobId: jobId, key: (machineId, sha1))
                    {
                        try db.execute(
                            sql: """
                                UPDATE jobRow SET state = 'already-submitted', errorCode = 'already-submitted',
                                    errorMessage = ? WHERE id = ?
                                """, arguments: ["already submitted by \(previous); use --resubmit to send it again", rowId])
                        counts.resolved -= 1
                        counts.duplicates += 1
                    }
                }
            }
            try db.execute(
                sql: "UPDATE job SET rowCount = (SELECT count(*) FROM jobRow WHERE jobId = ?), updatedAt = ? WHERE id = ?",
                arguments: [jobId, now, jobId])
            return counts
        }
    }

    private static func finishUnresolved(
        _ db: Database, id: Int64, outcome: (state: RowState, message: String), candidates: [MachineCandidate]?
    ) throws {
        try db.execute(
            sql: "UPDATE jobRow SET state = ?, errorCode = ?, errorMessage = ?, candidates = ? WHERE id = ?",
            arguments: [
                outcome.state.rawValue, outcome.state.rawValue, outcome.message, candidates.map(MachineCandidate.encode), id,
            ])
    }

    /// Where another job of the target already sent `key`, if one did (and its action is
    /// not known to have failed, timed out or been cancelled).
    private static func submittedElsewhere(
        _ db: Database, targetKey: String, jobId: String, key: (machineId: String, sha1: String)
    ) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT 'job ' || o.jobId || ' (' || o.source || ':' || o.line || COALESCE(', action ' || o.actionId, '') || ')'
                FROM jobRow o JOIN job j ON j.id = o.jobId
                WHERE o.machineId = ? AND o.sha1 = ? AND o.state IN ('sending', 'submitted')
                  AND j.targetKey = ? AND j.kind = 'quarantine' AND o.jobId != ?
                  AND (o.actionStatus IS NULL OR o.actionStatus NOT IN ('Failed', 'Cancelled', 'TimeOut'))
                LIMIT 1
                """, arguments: [key.machineId, key.sha1, targetKey, jobId])
    }

    static func ambiguousMessage(_ name: String, _ candidates: [MachineCandidate]) -> String {
        "'\(name)' names \(candidates.count) devices seen within 7 days of each other: "
            + candidates.map(\.summary).joined(separator: "; ")
            + "; put the right machine id in the row, or run with --all-matches to send to each"
    }

    /// The lookup job of `target` (`mdebatch targets`), created on first use: its attempts
    /// are the audit trail of the lookups, and its calls count on the target's ledger.
    public func lookupJob(target: JobTarget, now: Date) throws -> JobRecord {
        let creation = try createJob(
            NewJob(kind: .lookup, inputs: ["mdebatch targets"], options: "{}", target: target, commentTag: false), now: now
        ) { _ in "lookups" }
        guard let job = creation.job else { throw StoreError.unknownJob(id: "lookup", known: []) }
        return job
    }
}
