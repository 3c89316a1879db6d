import Foundation
import MDEEmulator

/// A live emulator in the test process, and the flags and environment that point the
/// `mdebatch` binary at it with a shared scaled clock.
struct EmulatorHarness {
    let server: EmulatorServer
    let folder: TemporaryFolder

    static func start(
        scale: Double = 60, faults: [FaultRule] = [], seed: UInt64 = 1, visibilityDelay: Duration = .zero,
        clientSecret: String = "e2e-secret", pendingDuration: Duration = .seconds(30), inventory: Inventory? = nil
    ) async throws -> EmulatorHarness {
        let configuration = EmulatorConfiguration(
            clientSecret: clientSecret, timeScale: scale, origin: Date(), seed: seed, faults: faults,
            pendingDuration: pendingDuration, visibilityDelay: visibilityDelay, inventory: inventory ?? .default)
        let server = try await EmulatorServer.start(configuration)
        return EmulatorHarness(server: server, folder: try TemporaryFolder())
    }

    var statePath: String { folder.path("state.sqlite") }

    /// Flags that make the binary talk to this emulator on its clock.
    func flags(extra: [String] = []) -> [String] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let origin = formatter.string(from: server.configuration.origin)
        return [
            "--api-base", server.baseURL, "--state", statePath, "--time-scale", String(server.configuration.timeScale),
            "--time-origin", origin, "--quiet",
        ] + extra
    }

    func environment(secret: String? = nil) -> [String: String] {
        [
            "MDE_TENANT_ID": server.configuration.tenantId,
            "MDE_CLIENT_ID": server.configuration.clientId,
            "MDE_CLIENT_SECRET": secret ?? server.configuration.clientSecret,
            "MDE_AUTHORITY": server.baseURL,
        ]
    }

    func mdebatch(_ arguments: [String], secret: String? = nil) -> CLIProcess {
        CLIProcess(arguments: arguments, environment: environment(secret: secret), currentDirectory: folder.url)
    }

    func stop() async {
        await server.stop()
        folder.remove()
    }
}
