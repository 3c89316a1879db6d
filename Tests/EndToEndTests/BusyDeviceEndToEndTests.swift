import Foundation
import MDEEmulator
import Testing

/// Whether the API blocks a second action per file or per device is not documented: the
/// tool must be right under both (the emulator's `pendingScope`).
@Suite(.serialized)
struct BusyDeviceEndToEndTests {
    static func describe(_ result: CLIProcess.Result) -> String { StoredPlanEndToEndTests.describe(result) }

    /// `hashes` files on each of `devices` devices, device by device (as an export lists them).
    static func csv(devices: Int, hashes: Int) -> String {
        var lines = ["DeviceId,SHA1,Comment"]
        for d in 0..<devices {
            for h in 0..<hashes {
                lines.append("\(String(format: "b05e%036x", d)),\(String(format: "%040x", 0xbad0000 + h)),incident 13")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func start(scope: PendingScope, pending: Duration, inProgress: Duration) async throws -> EmulatorHarness {
        let configuration = EmulatorConfiguration(
            clientSecret: "e2e-secret", timeScale: 60, origin: Date(), seed: 1, pendingDuration: pending,
            inProgressDuration: inProgress)
        var withScope = configuration
        withScope.pendingScope = scope
        return EmulatorHarness(server: try await EmulatorServer.start(withScope), folder: try TemporaryFolder())
    }

    @Test(.timeLimit(.minutes(4)), arguments: [PendingScope.device, .file])
    func eightFilesOnFiftyDevicesEndSubmittedOnceInEitherScope(_ scope: PendingScope) async throws {
        // An action lives 60 emulator seconds (one real second at 60×): long enough that the
        // next file of a device arrives while it is open, whatever the machine's load.
        let emulator = try await Self.start(scope: scope, pending: .seconds(30), inProgress: .seconds(30))
        defer { Task { await emulator.stop() } }
        let csv = Self.csv(devices: 50, hashes: 8)
        let input = try emulator.folder.write("fleet.csv", csv)
        let report = emulator.folder.path("report.csv")
        let result = try await emulator.mdebatch(["run", input, "--report", report] + emulator.flags()).run()
        #expect(result.status == 0, "\(scope): \(Self.describe(result))")
        #expect(result.stdout.contains("400 submitted"), "\(scope): \(Self.describe(result))")
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(created.count == 400)
        #expect(created.values.allSatisfy { $0 == 1 }, "sent twice: \(created.filter { $0.value != 1 })")
        let journal = await emulator.server.journal()
        #expect(journal.filter { $0.status == 429 }.isEmpty)
        let rows = try ReportCSV.parse(String(contentsOfFile: report, encoding: .utf8))
        #expect(rows.allSatisfy { $0["outcome"] == "submitted" }, "\(Set(rows.map { $0["outcome"] ?? "" }))")
        if scope == .device {
            // The device scope was really in play: some sends found their device busy.
            #expect(journal.contains { $0.status == 400 })
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aDeviceThatStaysBusyStopsAtTheDeadlineNamingTheAction() async throws {
        // An action stays Pending for a day: the device never frees up.
        let emulator = try await Self.start(scope: .device, pending: .seconds(86_400), inProgress: .seconds(60))
        defer { Task { await emulator.stop() } }
        let busy = String(format: "b05e%036x", 7)
        var lines = ["DeviceId,SHA1,Comment"]
        for h in 0..<3 { lines.append("\(busy),\(String(format: "%040x", 0xfeed00 + h)),stuck") }
        for d in 20..<24 { lines.append("\(String(format: "b05e%036x", d)),\(String(format: "%040x", 0xfeed00)),free") }
        let input = try emulator.folder.write("stuck.csv", lines.joined(separator: "\n") + "\n")
        let report = emulator.folder.path("report.csv")
        let result = try await emulator.mdebatch(
            ["run", input, "--deadline", "5m", "--concurrency", "1", "--report", report] + emulator.flags()
        ).run()
        #expect(result.status == 75, "\(Self.describe(result))")
        let blocker = try #require(await emulator.server.actions().first { $0.machineId == busy })
        #expect(result.stdout.contains("2 rows wait for devices busy with another action"), "\(Self.describe(result))")
        #expect(result.stdout.contains("device \(busy): action \(blocker.id)"), "\(Self.describe(result))")
        // Nothing failed; the waiting rows name the blocking action in the report.
        let rows = try ReportCSV.parse(String(contentsOfFile: report, encoding: .utf8))
        #expect(!rows.contains { $0["outcome"] == "failed" })
        let waiting = rows.filter { $0["outcome"] == "waiting-for-device" }
        #expect(waiting.count == 2)
        #expect(waiting.allSatisfy { $0["error_code"] == "device-busy" && ($0["error_message"] ?? "").contains(blocker.id) })
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(created.count == 5)
        #expect(created.values.allSatisfy { $0 == 1 })
        // `status` shows them too, offline.
        let status = try await emulator.mdebatch(["status", "--state", emulator.statePath]).run()
        #expect(status.stdout.contains("2 waiting-for-device"), "\(Self.describe(status))")
        #expect(status.stdout.contains("\(busy): action \(blocker.id)"), "\(Self.describe(status))")
    }
}
