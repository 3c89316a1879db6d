import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Synchronization

/// A scripted MDE read API inside a `StubTransport`: the list (`id in (…)` or a creation-time
/// window, with `$top`/`$skip`) and single GETs, over actions whose status follows the clock.
final class FakeActionsAPI: Sendable {
    struct Call: Sendable {
        var filter: String
        var top: Int?
        var skip: Int?
        var at: Date
    }

    private struct State {
        /// Action id → (created at, fixed status or nil to follow the lifecycle).
        var actions: [String: (created: Date, status: String?)] = [:]
        var hiddenFromList: Set<String> = []
        var hiddenFromWindow: Set<String> = []
        var listCalls: [Call] = []
        var gets: [(id: String, at: Date)] = []
        /// Statuses the next list calls answer with before anything else.
        var listFailures: [(status: Int, retryAfter: String?)] = []
        var getStatus: Int?
        var pageCap: Int?
    }

    private let state = Mutex(State())
    let clock: ManualWallClock

    init(clock: ManualWallClock) {
        self.clock = clock
    }

    /// Adds an action created now; `status` pins it, nil follows Pending 30 s → InProgress 60 s → Succeeded.
    func add(_ id: String, status: String? = nil) {
        let now = clock.now
        state.withLock { $0.actions[id] = (now, status) }
    }

    func remove(_ id: String) { state.withLock { _ = $0.actions.removeValue(forKey: id) } }
    func hideFromList(_ ids: Set<String>) { state.withLock { $0.hiddenFromList.formUnion(ids) } }
    func hideFromWindow(_ ids: Set<String>) { state.withLock { $0.hiddenFromWindow.formUnion(ids) } }
    func failNextLists(_ failures: (status: Int, retryAfter: String?)...) { state.withLock { $0.listFailures += failures } }
    func answerGets(with status: Int) { state.withLock { $0.getStatus = status } }
    var listCalls: [Call] { state.withLock { $0.listCalls } }
    var gets: [(id: String, at: Date)] { state.withLock { $0.gets } }

    func makeTransport() -> StubTransport {
        StubTransport { [self] request in handle(request) }
    }

    func status(of id: String, at now: Date) -> String? {
        guard let action = state.withLock({ $0.actions[id] }) else { return nil }
        if let fixed = action.status { return fixed }
        let age = now.timeIntervalSince(action.created)
        return age < 30 ? "Pending" : age < 90 ? "InProgress" : "Succeeded"
    }

    func handle(_ request: TransportRequest) -> TransportResponse {
        let path = request.url.path
        let now = clock.now
        if path.hasSuffix("/token") { return .token("header.eyJleHAiOjQxMDI0NDQ4MDB9.sig") }
        if path.hasSuffix("/machineactions") {
            var options: [String: String] = [:]
            for pair in (request.url.query ?? "").split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                options[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            let filter = options["$filter"] ?? ""
            let top = options["$top"].flatMap { Int($0) }
            let skip = options["$skip"].flatMap { Int($0) }
            let failure = state.withLock { state -> (status: Int, retryAfter: String?)? in
                state.listCalls.append(Call(filter: filter, top: top, skip: skip, at: now))
                return state.listFailures.isEmpty ? nil : state.listFailures.removeFirst()
            }
            if let failure {
                var headers: TransportHeaders = [:]
                if let retryAfter = failure.retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
                return .json(failure.status, #"{"error":{"code":"E\#(failure.status)","message":"scripted"}}"#, headers: headers)
            }
            let (ids, hidden, cap): ([String], Set<String>, Int?) = state.withLock { state in
                if let open = filter.range(of: "id in (") {
                    let list = filter[open.upperBound...].prefix { $0 != ")" }
                    let wanted = list.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "' ")) }
                    return (wanted.filter { state.actions[$0] != nil }, state.hiddenFromList, state.pageCap)
                }
                return (state.actions.keys.sorted(), state.hiddenFromWindow, state.pageCap)
            }
            let visible = ids.filter { !hidden.contains($0) }
            let page = Array(visible.dropFirst(skip ?? 0).prefix(min(top ?? 10_000, cap ?? .max)))
            let body = page.map { Self.json(id: $0, status: status(of: $0, at: now) ?? "Pending") }.joined(separator: ",")
            return .json(200, #"{"value":[\#(body)]}"#)
        }
        if path.contains("/machineactions/") {
            let id = String(path.split(separator: "/").last ?? "")
            let forced = state.withLock { state -> Int? in
                state.gets.append((id, now))
                return state.getStatus
            }
            if let forced { return .json(forced, #"{"error":{"code":"E\#(forced)","message":"scripted"}}"#) }
            guard let status = status(of: id, at: now) else {
                return .json(404, #"{"error":{"code":"ResourceNotFound","message":"Action \#(id) was not found"}}"#)
            }
            return .json(200, Self.json(id: id, status: status))
        }
        return .json(404, #"{"error":{"code":"NotFound","message":"no route"}}"#)
    }

    static func json(id: String, status: String) -> String {
        #"{"id":"\#(id)","type":"StopAndQuarantineFile","status":"\#(status)","creationDateTimeUtc":"2027-01-15T08:00:00Z"}"#
    }
}
