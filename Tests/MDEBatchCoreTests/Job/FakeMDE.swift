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

    struct Action: Sendable {
        var id: String
        var machineId: String
        var sha1: String
        var comment: String
        var status: String
        var created: Date
    }

    private struct State {
        var actions: [Action] = []
        var script: [Script] = []
        var posts: [(machineId: String, at: Date)] = []
        var lists = 0
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
                return .json(status, #"{"error":{"code":"\#(code)","message":"\#(code) happened","target":"t-1"}}"#, headers: headers)
            case .drop:
                throw TransportError.connection("connection reset by peer")
            }
        }
        if path.hasSuffix("/machineactions") {
            state.withLock { $0.lists += 1 }
            let query = request.url.query?.removingPercentEncoding ?? ""
            let all = actions.filter { query.contains("'\($0.machineId)'") }
            return .json(200, #"{"value":[\#(all.map(Self.json).joined(separator: ","))]}"#)
        }
        return .json(404, #"{"error":{"code":"NotFound","message":"no route"}}"#)
    }

    static func json(_ action: Action) -> String {
        let comment = action.comment.replacingOccurrences(of: "\"", with: "\\\"")
        return """
            {"id":"\(action.id)","type":"StopAndQuarantineFile","status":"\(action.status)","machineId":"\(action.machineId)",\
            "requestorComment":"\(comment)","creationDateTimeUtc":"2027-01-15T08:00:00Z",\
            "relatedFileInfo":{"fileIdentifier":"\(action.sha1)","fileIdentifierType":"Sha1"}}
            """
    }
}
