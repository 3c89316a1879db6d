import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import NIOCore
import Testing

/// Faults need a real socket: a dropped connection or a late response only exist over TCP.
struct FaultTests {
    /// Sends one StopAndQuarantineFile on a fresh connection, so a dropped connection affects only this request.
    static func submitOnFreshConnection(
        port: Int, token: String, timeout: Duration = .seconds(10), sha1: String = Sample.sha1
    ) async throws -> TestClient.Response {
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: timeout))
        client.connect()
        defer { Task { try? await client.shutdown() } }
        return try await client.execute(
            .init(
                "/api/machines/\(Sample.machine)/StopAndQuarantineFile", method: .post, authority: "127.0.0.1:\(port)",
                headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                body: ByteBuffer(string: #"{"Comment":"fault test","Sha1":"\#(sha1)"}"#)
            )
        )
    }

    static func actions(_ client: some TestClientProtocol) async throws -> [MachineAction] {
        try decode([MachineAction].self, try await client.get("/_emulator/actions", token: nil))
    }

    static func journal(_ client: some TestClientProtocol) async throws -> [JournalEntry] {
        try decode([JournalEntry].self, try await client.get("/_emulator/journal", token: nil))
    }

    @Test(.timeLimit(.minutes(1)))
    func fault500AnswersInternalServerErrorAndCreatesNothing() async throws {
        let configuration = Sample.configuration { $0.faults = [FaultRule(.internalServerError, rate: 1)] }
        try await makeEmulator(configuration).test(.live) { client in
            let token = try await client.token(configuration)
            let response = try await client.submit(token: token)
            #expect(response.status == .internalServerError)
            #expect(try errorCode(response) == "InternalServerError")
            #expect(try await Self.actions(client).isEmpty)
            #expect(try await Self.journal(client).last?.fault == "500")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func fault503AnswersServiceUnavailableWithRetryAfter() async throws {
        let rule = try FaultRule(parsing: "503:1:12s")
        let configuration = Sample.configuration { $0.faults = [rule] }
        try await makeEmulator(configuration).test(.live) { client in
            let token = try await client.token(configuration)
            let response = try await client.submit(token: token)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "12")
            #expect(try errorCode(response) == "ServiceUnavailable")
            #expect(try await Self.actions(client).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func dropBeforeCreateClosesTheConnectionAndCreatesNothing() async throws {
        let configuration = Sample.configuration { $0.faults = [FaultRule(.dropBeforeCreate, rate: 1)] }
        try await makeEmulator(configuration).test(.live) { client in
            let token = try await client.token(configuration)
            let port = try #require(client.port)
            await #expect(throws: (any Error).self) {
                try await Self.submitOnFreshConnection(port: port, token: token)
            }
            #expect(try await Self.actions(client).isEmpty)
            let entry = try #require(try await Self.journal(client).last)
            #expect(entry.fault == "drop-before")
            #expect(entry.status == nil)
            #expect(entry.created == false)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func dropAfterCreateClosesTheConnectionButTheActionExists() async throws {
        let configuration = Sample.configuration { $0.faults = [FaultRule(.dropAfterCreate, rate: 1)] }
        try await makeEmulator(configuration).test(.live) { client in
            let token = try await client.token(configuration)
            let port = try #require(client.port)
            await #expect(throws: (any Error).self) {
                try await Self.submitOnFreshConnection(port: port, token: token)
            }
            let actions = try await Self.actions(client)
            #expect(actions.count == 1)
            #expect(actions.first?.machineId == Sample.machine)
            let entry = try #require(try await Self.journal(client).last)
            #expect(entry.fault == "drop-after")
            #expect(entry.status == nil)
            #expect(entry.created == true)
            #expect(entry.actionId == actions.first?.id)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func delayAfterCreateOutlastsTheClientTimeoutThenAnswers() async throws {
        let clock = ManualClock()
        let rule = try FaultRule(parsing: "delay:1:45s")
        let configuration = Sample.configuration { $0.faults = [rule] }
        try await makeEmulator(configuration, clock: clock).test(.live) { client in
            let token = try await client.token(configuration)
            let port = try #require(client.port)
            // A client with a 300 ms time-out gives up while the response is held back; the action exists anyway.
            // (TestClient only reports its time-out once the late response has arrived, so release it afterwards.)
            let started = ContinuousClock.now
            async let impatient = Self.submitOnFreshConnection(port: port, token: token, timeout: .milliseconds(300))
            // Poll for the held-back response instead of guessing how long a loaded machine takes;
            // then let the client's own 300 ms time-out pass.
            var polls = 0
            while clock.sleeperCount == 0 && polls < 1000 {
                try await Task.sleep(for: .milliseconds(10))
                polls += 1
            }
            #expect(clock.sleeperCount == 1)
            try await Task.sleep(until: started + .milliseconds(600))
            #expect(try await Self.actions(client).count == 1)
            clock.advance(by: .seconds(45))
            do {
                _ = try await impatient
                Issue.record("The impatient client should have timed out.")
            } catch {
                #expect(error is TestClient.Error)
            }
            // A patient client gets the 201 once 45 emulator seconds have passed.
            async let answer = Self.submitOnFreshConnection(port: port, token: token, sha1: Sample.otherSha1)
            while clock.sleeperCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            clock.advance(by: .seconds(45))
            let response = try await answer
            #expect(response.status == .created)
            #expect(try await Self.journal(client).filter { $0.fault == "delay" }.count == 2)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func faultsFollowTheSeed() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            let configuration = Sample.configuration {
                $0.seed = seed
                $0.faults = [FaultRule(.internalServerError, rate: 0.5)]
            }
            return try await makeEmulator(configuration).test(.router) { client in
                let token = try await client.token(configuration)
                var statuses: [Int] = []
                for index in 0..<20 {
                    statuses.append(try await client.submit(token: token, machine: Sample.machine(index + 1)).status.code)
                }
                return statuses
            }
        }
        let first = try await statuses(seed: 7)
        #expect(try await statuses(seed: 7) == first)
        #expect(try await statuses(seed: 8) != first)
        #expect(first.contains(500) && first.contains(201))
    }

    @Test func faultsSkipGetsUnlessAskedTo() async throws {
        let configuration = Sample.configuration {
            $0.faults = [FaultRule(.internalServerError, rate: 1)]
        }
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
        }
        let withGets = Sample.configuration {
            $0.faults = [FaultRule(.internalServerError, rate: 1)]
            $0.faultsApplyToGets = true
        }
        try await makeEmulator(withGets).test(.router) { client in
            let token = try await client.token(withGets)
            #expect(try await client.get("/api/machineactions", token: token).status == .internalServerError)
        }
    }

    @Test(arguments: [
        ("500:0.05", FaultRule(.internalServerError, rate: 0.05)),
        ("503:0.1", FaultRule(.serviceUnavailable(retryAfter: .seconds(5)), rate: 0.1)),
        ("503:0.1:30s", FaultRule(.serviceUnavailable(retryAfter: .seconds(30)), rate: 0.1)),
        ("drop-before:0.02", FaultRule(.dropBeforeCreate, rate: 0.02)),
        ("drop-after:0.02", FaultRule(.dropAfterCreate, rate: 0.02)),
        ("delay:0.02:45s", FaultRule(.delayAfterCreate(.seconds(45)), rate: 0.02)),
        ("delay:1:500ms", FaultRule(.delayAfterCreate(.milliseconds(500)), rate: 1)),
    ])
    func faultTextParses(text: String, rule: FaultRule) throws {
        #expect(try FaultRule(parsing: text) == rule)
    }

    @Test(arguments: ["500", "500:2", "delay:0.1", "drop:0.1", "503:0.1:soon", "500:0.1:5s"])
    func badFaultTextIsRejected(text: String) {
        #expect(throws: FaultRuleError.self) { try FaultRule(parsing: text) }
    }
}
