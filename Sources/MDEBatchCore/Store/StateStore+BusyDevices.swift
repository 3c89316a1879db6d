import Foundation
import GRDB

/// A device that keeps rows of a job waiting: the action it is busy with, and since when.
public struct BusyDevice: Sendable, Hashable {
    public var machineId: String
    public var actionId: String
    public var since: Date
    /// Rows of the job waiting for it.
    public var rows: Int

    public init(machineId: String, actionId: String, since: Date, rows: Int) {
        self.machineId = machineId
        self.actionId = actionId
        self.since = since
        self.rows = rows
    }
}

extension StateStore {
    /// The actions that keep due waiting rows of the job waiting (distinct, in row order).
    public func dueBlockers(jobId: String, now: Date) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT blockedBy FROM jobRow
                    WHERE jobId = ? AND state = 'waiting-for-device' AND blockedBy IS NOT NULL
                      AND (nextAttemptAt IS NULL OR nextAttemptAt <= ?)
                    GROUP BY blockedBy ORDER BY MIN(id)
                    """, arguments: [jobId, now])
        }
    }

    /// What the list API said of blocking actions, in one transaction: rows waiting for an
    /// action in `released` go back to `pending`, due now; rows waiting for one in
    /// `stillOpen` are looked at again at `recheckAt`.
    ///
    /// - Returns: how many rows were released.
    @discardableResult
    public func settleBlockers(jobId: String, released: [String], stillOpen: [String], recheckAt: Date) throws -> Int {
        try writer.write { db in
            var count = 0
            for actionId in released {
                try db.execute(
                    sql: """
                        UPDATE jobRow SET state = 'pending', nextAttemptAt = NULL, blockedBy = NULL, blockedSince = NULL,
                            errorCode = NULL, errorMessage = NULL, httpStatus = NULL
                        WHERE jobId = ? AND state = 'waiting-for-device' AND blockedBy = ?
                        """, arguments: [jobId, actionId])
                count += db.changesCount
            }
            for actionId in stillOpen {
                try db.execute(
                    sql: "UPDATE jobRow SET nextAttemptAt = ? WHERE jobId = ? AND state = 'waiting-for-device' AND blockedBy = ?",
                    arguments: [recheckAt, jobId, actionId])
            }
            return count
        }
    }

    /// The devices that keep rows of the job waiting, longest waiting first.
    public func busyDevices(jobId: String) throws -> [BusyDevice] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT machineId, blockedBy, MIN(blockedSince) AS since, count(*) AS n FROM jobRow
                    WHERE jobId = ? AND state = 'waiting-for-device' AND blockedBy IS NOT NULL
                    GROUP BY machineId, blockedBy ORDER BY since, machineId
                    """, arguments: [jobId]
            ).map { row in
                BusyDevice(machineId: row["machineId"], actionId: row["blockedBy"], since: row["since"] ?? Date(), rows: row["n"])
            }
        }
    }
}
