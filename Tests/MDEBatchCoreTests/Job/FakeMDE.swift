import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Synchronization

/// A scripted stand-in for the MDE API inside a `StubTransport`, for job tests on a
/// manual clock. It keeps the actions it created so lookups can find them, and lets a
/// test decide what each StopAndQuarantineFile request gets.
final class FakeMDE: Sendable {
    /// What one StopAndQuarantineFile request gets.
    enum Script: Sendable {
        case create
        /// Create the action, then answer with this status (the response is "lost").
        case createThenStatus(Int)
        /// Create the action, then drop the connection.
        case createThenDrop
        case status(Int, code: String, retryAfter: String? = nil)
        case drop
    }

    /// What one cancel request gets (by default: 200 for an open action, 400 for a final
    /// one, 404 for an unknown one).
    enum CancelScript: Sendable {
        case normal
        /// 200, but the action completed first: it reads back with this final status.
        case acceptButComplete(String)
        /// Cancel the action, then answer with this status (the response is "lost").
        case acceptThenStatus(Int)
        /// Cancel the action, then drop the connection.
        case acceptThenDrop
        /// Answer with this status; nothing changes.
        case status(Int, code: String, retryAfter: String? = nil)
        /// Drop the connection; nothing changes.
        case drop
    }

    struct Action: Sendable {
        var id: String
        var machineId: String
        var sha1: String
        var comment: String
        var status: String
        var created: Date
        var cancellationComment: String? = nil
    }

    private struct State {
        var actions: [Action] = []
        var script: [Script] = []
        var posts: [(machineId: String, at: Date)] = []
        var lists = 0
        var cancelScript: [CancelScript] = []
        var getScript: [(status: Int, code: String, retryAfter: String?)] = []
        var cancelPosts: [(actionId: String, at: Date)] = []
        var gets: [(actionId: String, at: Date)] = []
        /// Every `GET /api/files/{id}` answers with this status (404 by default).
        var fileStatus = 404
        var fileCalls = 0
    }

    private let state = Mutex(State())
    let clock: ManualWallClock

    init(clock: ManualWallClock) {
        self.clock = clock
    }

    func enqueue(_ scripts: Script...) { state.withLock { $0.script.append(contentsOf: scripts) } }
    func seed(_ action: Action) { state.withLock { $0.actions.append(action) } }
    var actions: [Action] { state.withLock { $0.actions } }
    var posts: [(machineId: String, at: Date)] { state.withLock { $0.posts } }
    var listCalls: Int { state.withLock { $0.lists } }
    var cancelPosts: [(actionId: String, at: Date)] { state.withLock { $0.cancelPosts } }
    var gets: [(actionId: String, at: Date)] { state.withLock { $0.gets } }
    func enqueueCancel(_ scripts: CancelScript...) { state.withLock { $0.cancelScript.append(contentsOf: scripts) } }
    /// The next GETs of one action answer with this error.
    func enqueueGetFailure(_ status: Int, code: String, retryAfter: String? = nil) {
        state.withLock { $0.getScript.append((status, code, retryAfter)) }
    }
    /// Changes an action as the service would (it completes, someone cancels it).
    func setStatus(_ id: String, _ status: String, cancellationComment: String? = nil) {
        state.withLock { state in
            guard let index = state.actions.firstIndex(where: { $0.id == id }) else { return }
            state.actions[index].status = status
            if let cancellationComment { state.actions[index].cancellationComment = cancellationComment }
        }
    }
    func action(_ id: String) -> Action? { actions.first { $0.id == id } }
    /// Every `GET /api/files/{id}` from now answers with this status.
    func answerFiles(_ status: Int) { state.withLock { $0.fileStatus = status } }
    var fileCalls: Int { state.withLock { $0.fileCalls } }

    /// A transport whose every request this fake answers.
    func makeTransport() -> StubTransport {
        StubTransport { [self] request in try handle(request) }
    }

    func handle(_ request: TransportRequest) throws -> TransportResponse {
        let path = request.url.path
        if path.hasSuffix("/token") { return .token("header.eyJleHAiOjQxMDI0NDQ4MDB9.sig") }
        if path.hasSuffix("/StopAndQuarantineFile") {
            let machineId = path.split(separator: "/")[2].lowercased()
            let body = try JSONSerialization.jsonObject(with: request.body ?? Data()) as? [String: String] ?? [:]
            let now = clock.now
            let script = state.withLock { state -> Script in
                state.posts.append((machineId, now))
                return state.script.isEmpty ? .create : state.script.removeFirst()
            }
            func create() -> Action {
                let action = Action(
                    id: UUID().uuidString.lowercased(), machineId: machineId, sha1: (body["Sha1"] ?? "").lowercased(),
                    comment: body["Comment"] ?? "", status: "Pending", created: now)
                state.withLock { $0.actions.append(action) }
                return action
            }
            switch script {
            case .create: return .json(201, Self.json(create()))
            case .createThenStatus(let status):
                _ = create()
                return .json(status, #"{"error":{"code":"InternalServerError","message":"boom"}}"#)
            case .createThenDrop:
                _ = create()
                throw TransportError.connection("connection reset by peer")
            case .status(let status, let code, let retryAfter):
                var headers: TransportHeaders = [:]
                if let retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
                return .json(
                    status, #"{"error":{"code":"\#(code)","message":"\#(code) happened","target":"t-1"}}"#, headers: headers)
            case .drop:
                throw TransportError.connection("connection reset by peer")
            }
        }
        if path.hasPrefix("/api/machineactions/") && path.hasSuffix("/cancel") {
            return try handleCancel(String(path.split(separator: "/")[2]), request: request)
        }
        if path.hasPrefix("/api/machineactions/") && request.method == "GET" {
            let id = String(path.split(separator: "/")[2])
            let now = clock.now
            let failure = state.withLock { state -> (status: Int, code: String, retryAfter: String?)? in
                state.gets.append((id, now))
                return state.getScript.isEmpty ? nil : state.getScript.removeFirst()
            }
            if let failure {
                var headers: TransportHeaders = [:]
                if let retryAfter = failure.retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
                return .json(
                    failure.status, #"{"error":{"code":"\#(failure.code)","message":"\#(failure.code) happened"}}"#,
                    headers: headers)
            }
            guard let action = action(id) else {
                return .json(404, #"{"error":{"code":"ResourceNotFound","message":"Machine action \#(id) was not found"}}"#)
            }
            return .json(200, Self.json(action))
        }
        if path.hasPrefix("/api/files/") {
            let status = state.withLock { state in
                state.fileCalls += 1
                return state.fileStatus
            }
            return .json(status, #"{"error":{"code":"Scripted","message":"scripted \#(status)"}}"#)
        }
        if path.hasSuffix("/machineactions") {
            state.withLock { $0.lists += 1 }
            let query = request.url.query?.removingPercentEncoding ?? ""
            let all = actions.filter { query.contains("'\($0.machineId)'") }
            return .json(200, #"{"value":[\#(all.map(Self.json).joined(separator: ","))]}"#)
        }
        return .json(404, #"{"error":{"code":"NotFound","message":"no route"}}"#)
    }

    private func handleCancel(_ id: String, request: TransportRequest) throws -> TransportResponse {
        let body = try JSONSerialization.jsonObject(with: request.body ?? Data()) as? [String: String] ?? [:]
        let comment = body["Comment"]
        let now = clock.now
        let script = state.withLock { state -> CancelScript in
            state.cancelPosts.append((id, now))
            return state.cancelScript.isEmpty ? .normal : state.cancelScript.removeFirst()
        }
        func applyNormally() -> TransportResponse {
            guard let action = action(id) else {
                return .json(404, #"{"error":{"code":"ResourceNotFound","message":"Machine action \#(id) was not found"}}"#)
            }
            guard action.status == "Pending" || action.status == "InProgress" else {
                return .json(
                    400, #"{"error":{"code":"BadRequest","message":"Machine action \#(id) is in final state \#(action.status)"}}"#
                )
            }
            setStatus(id, "Cancelled", cancellationComment: comment)
            return .json(200, Self.json(self.action(id)!))
        }
        switch script {
        case .normal:
            return applyNormally()
        case .acceptButComplete(let final):
            let response = applyNormally()
            setStatus(id, final)
            return response
        case .acceptThenStatus(let status):
            _ = applyNormally()
            return .json(status, #"{"error":{"code":"InternalServerError","message":"boom"}}"#)
        case .acceptThenDrop:
            _ = applyNormally()
            throw TransportError.connection("connection reset by peer")
        case .status(let status, let code, let retryAfter):
            var headers: TransportHeaders = [:]
            if let retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
            return .json(status, #"{"error":{"code":"\#(code)","message":"\#(code) happened","target":"t-2"}}"#, headers: headers)
        case .drop:
            throw TransportError.connection("connection reset by peer")
        }
    }

    static func json(_ action: Action) -> String {
        let comment = action.comment.replacingOccurrences(of: "\"", with: "\\\"")
        let cancellation =
            action.cancellationComment.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" } ?? "null"
        return """
            {"id":"\(action.id)","type":"StopAndQuarantineFile","status":"\(action.status)","machineId":"\(action.machineId)",\
            "requestorComment":"\(comment)","creationDateTimeUtc":"2027-01-15T08:00:00Z","cancellationComment":\(cancellation),\
            "relatedFileInfo":{"fileIdentifier":"\(action.sha1)","fileIdentifierType":"Sha1"}}
            """
    }
}
