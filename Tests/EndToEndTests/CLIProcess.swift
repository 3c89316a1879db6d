import Foundation
import MDEBatchTestSupport
import Synchronization

/// Runs the built `mdebatch` binary the way a user would, and captures what it printed.
struct CLIProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var signaled: Bool
    }

    var arguments: [String]
    var environment: [String: String]
    var currentDirectory: URL?
    /// What to run instead of `mdebatch` (e.g. `setpriv`, which then runs it).
    var executable: URL? = nil

    /// Starts the binary; the caller waits or signals it.
    func start() throws -> (Process, Pipe, Pipe) {
        let process = Process()
        // Foundation's `waitUntilExit()` spins a run loop at full speed; the handler
        // lets `finish` wait without burning a core the emulator needs.
        let exit = ProcessExit()
        process.terminationHandler = { _ in exit.signal() }
        ProcessExit.register(exit, for: process)
        process.executableURL = executable ?? BinaryLocator.mdebatch
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MDE_") && !$0.key.hasPrefix("AZURE_") }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// Runs to the end.
    func run() async throws -> Result {
        let (process, out, err) = try start()
        return await Self.finish(process, out, err)
    }

    static func finish(_ process: Process, _ out: Pipe, _ err: Pipe) async -> Result {
        // Read both pipes while the process runs, so a full pipe never blocks it. The
        // blocking calls run on threads of their own: on the cooperative pool (two threads
        // on this machine) they would starve the emulator this test process serves.
        async let stdout = onThread { out.fileHandleForReading.readDataToEndOfFile() }
        async let stderr = onThread { err.fileHandleForReading.readDataToEndOfFile() }
        let (o, e) = await (stdout, stderr)
        await ProcessExit.of(process).wait()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self), signaled: process.terminationReason == .uncaughtSignal)
    }
}

/// Becomes signaled when a process exits.
final class ProcessExit: Sendable {
    private let state = Mutex<(exited: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private static let registry = Mutex<[ObjectIdentifier: ProcessExit]>([:])

    static func register(_ exit: ProcessExit, for process: Process) {
        registry.withLock { $0[ObjectIdentifier(process)] = exit }
    }

    static func of(_ process: Process) -> ProcessExit {
        registry.withLock { $0[ObjectIdentifier(process)] } ?? ProcessExit()
    }

    func signal() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.exited = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.exited { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// Runs a blocking call on a thread of its own and awaits its result.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

/// A temporary folder for one test.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The repository root (for samples/).
enum Repository {
    static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }

    static func sample(_ name: String) -> String { root.appendingPathComponent("samples/\(name)").path }
}

/// Deterministic generated incident rows.
enum IncidentRows {
    /// `count` distinct valid rows as CSV with a header.
    static func csv(count: Int, seed: UInt64 = 1) -> String {
        var lines = ["DeviceId,SHA1,Comment"]
        for i in 0..<count {
            // Three files per machine; "c0ffee" keeps clear of the emulator's special prefixes.
            let machine =
                "c0ffee" + String(format: "%02x", seed % 256) + String(repeating: "a", count: 24)
                + String(format: "%08x", i / 3)
            let sha1 = String(repeating: "c", count: 32) + String(format: "%08x", i)
            lines.append("\(machine),\(sha1),incident 42 row \(i)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Waits for a condition by polling it, and fails loudly, naming it, when it never holds.
enum TestWait {
    struct TimedOut: Error, CustomStringConvertible {
        var what: String
        var description: String { "gave up waiting for \(what)" }
    }

    static func until(
        _ what: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(50),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
            try await Task.sleep(for: interval)
        }
    }
}
