import Foundation
import GRDB
import Synchronization

/// This connection's copy of the recent quota ledger, one `LedgerWindow` per tenant and API,
/// so that a reservation decides in a few binary searches instead of counting up to 1,500
/// ledger rows (docs/PERFORMANCE.md, "Client CPU per action").
///
/// The ledger in the state file stays the truth that every process on it shares. Triggers
/// bump `ledgerVersion` in the transaction of every change to `ledgerEntry`, whoever makes
/// it (migration `v9-perf-ledgerVersion`); every reservation reads that version inside its
/// write transaction, and the copy is used only when it was read or last changed at exactly
/// that version. Its own changes are applied as their transactions commit, on the writer's
/// queue; anything else — another process's call, a transaction rolled back — makes it read
/// the ledger again.
final class LedgerMirror: Sendable {
    struct Key: Hashable {
        var tenant: String
        var api: QuotaAPI
    }

    /// A change this connection committed to the ledger, taking it from `before` to `after`.
    struct Change {
        enum Kind {
            case add(LedgerWindow.Call)
            case complete(id: Int64, at: Double)
        }
        var key: Key?
        var kind: Kind
        var before: Int64
        var after: Int64
    }

    private struct State {
        var version: Int64 = -1
        var windows: [Key: LedgerWindow] = [:]
    }

    private let state = Mutex(State())

    /// The ledger's version in the file; inside a transaction.
    static func version(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT version FROM ledgerVersion WHERE id = 1")) ?? 0
    }

    /// How full each window of `policy` is at `now`; inside the reservation's write transaction.
    func fills(_ db: Database, tenant: String, api: QuotaAPI, policy: QuotaPolicy, now: Date) throws -> [WindowFill] {
        let version = try Self.version(db)
        let key = Key(tenant: tenant, api: api)
        let longest = policy.limits.map(\.window).max() ?? 0
        let seconds = now.timeIntervalSince1970
        let cached = state.withLock { state -> [WindowFill]? in
            guard state.version == version else {
                state.version = version
                state.windows = [:]
                return nil
            }
            guard state.windows[key]?.covers(now: seconds, longest: longest) == true else { return nil }
            state.windows[key]!.prune(now: seconds, longest: longest)
            return state.windows[key]!.fills(policy: policy, now: now)
        }
        if let cached { return cached }
        let window = LedgerWindow(
            calls: try Self.read(db, key: key, now: seconds, longest: longest), readAt: seconds, longest: longest)
        state.withLock { state in
            if state.version == version { state.windows[key] = window }
        }
        return window.fills(policy: policy, now: now)
    }

    /// Follows a change this connection is making to the ledger: applied when its
    /// transaction commits, on the writer's queue before any other transaction can start; a
    /// rollback forgets the copy.
    func follow(_ change: Change, in db: Database) {
        db.afterNextTransaction(
            onCommit: { [self] _ in apply(change) },
            onRollback: { [self] _ in state.withLock { $0 = State() } })
    }

    /// Applies a committed change, or forgets the copy if it no longer stands exactly at the
    /// change's starting version.
    private func apply(_ change: Change) {
        state.withLock { state in
            guard state.version == change.before else {
                state.version = -1
                state.windows = [:]
                return
            }
            state.version = change.after
            switch change.kind {
            case .add(let call):
                if let key = change.key { state.windows[key]?.add(call) }
            case .complete(let id, let at):
                // Not over `state.windows.keys`: that view would share the storage being changed and copy it.
                var found = false
                for key in Array(state.windows.keys) {
                    if state.windows[key]!.complete(id: id, at: at) { found = true }
                }
                // A call this copy no longer holds (forgotten long after its deadline) counts
                // again from its completion: read the ledger again.
                if !found { state = State() }
            }
        }
    }

    /// The calls that may still count in a window of `longest` seconds at `now` or later: every
    /// call that completed (effectively) after `now - longest`, and every call whose deadline
    /// is after `now` (in flight, or sent ahead of `now`).
    private static func read(_ db: Database, key: Key, now: Double, longest: TimeInterval) throws -> [LedgerWindow.Call] {
        var calls: [Int64: LedgerWindow.Call] = [:]
        func collect(_ condition: String, _ bound: Double) throws {
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT id, sentAt, completedAt, deadline FROM ledgerEntry WHERE tenant = ? AND api = ? AND \(condition)",
                arguments: [key.tenant, key.api.rawValue, bound])
            while let row = try rows.next() {
                let id: Int64 = row["id"]
                calls[id] = LedgerWindow.Call(
                    id: id, sentAt: row["sentAt"], completedAt: row["completedAt"], deadline: row["deadline"])
            }
        }
        try collect("COALESCE(completedAt, deadline) > ?", now - longest)  // ledgerEntry_release
        try collect("deadline > ?", now)  // ledgerEntry_window
        return Array(calls.values)
    }
}
