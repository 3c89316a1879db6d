import Foundation
import MDEEmulator

/// One benchmark: it prepares its own inputs, measures, and returns its figures.
///
/// To add a measurement, add a type conforming to this protocol in its own file and list
/// it in `BenchmarkRegistry.all` (main.swift).
protocol Benchmark: Sendable {
    /// The prefix of its figures, e.g. `validate`.
    var name: String { get }
    /// Runs the benchmark and returns its figures, in print order.
    func run(_ configuration: BenchmarkConfiguration) throws -> [Figure]
}

/// Settings shared by every benchmark.
struct BenchmarkConfiguration {
    /// Rows of generated input (`--rows N`, default 1,000,000).
    var rows: Int = 1_000_000
}

/// One printed figure: `name value`.
struct Figure {
    var name: String
    var value: Double

    /// `validate.rows_per_s 1234567`: integers without decimals, small values with two.
    var line: String {
        let shown: String
        if value.rounded() == value || abs(value) >= 100 {
            shown = String(Int(value.rounded()))
        } else {
            shown = String(format: "%.2f", value)
        }
        return "\(name) \(shown)"
    }
}

/// The `mdebatch` binary built beside this one, which the end-to-end benchmarks run as a
/// separate process.
func mdebatchBinary() throws -> URL {
    let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("mdebatch")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        throw BenchmarkError("\(binary.path) is missing: build it first (swift build -c release)")
    }
    return binary
}

/// Runs `body` with a new empty temporary folder, removed when it returns.
func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

/// An emulator whose clock runs 60× from now and which enforces no rate limit: for
/// benchmarks that need many actions fast, not the client's pacing.
func startUnlimitedEmulator() async throws -> (server: EmulatorServer, configuration: EmulatorConfiguration) {
    var configuration = EmulatorConfiguration(timeScale: 60, origin: Date())
    configuration.limits = []
    return (try await EmulatorServer.start(configuration), configuration)
}

/// The job id that `mdebatch run` printed (`Job q-xxxxxxxx …`).
func jobId(printedBy stdout: String) throws -> String {
    guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("Job q-") }) else {
        throw BenchmarkError("no job id in: \(stdout)")
    }
    return String(line.dropFirst(4).prefix(10))
}

/// The `mdebatch` binary run as a child process with the emulator's credentials in its
/// environment; its standard error is discarded.
struct MDEBatchProcess: Sendable {
    var binary: URL
    var environment: [String: String]

    init(binary: URL, emulator: EmulatorConfiguration, baseURL: String) {
        self.binary = binary
        var environment = ProcessInfo.processInfo.environment
        environment["MDE_TENANT_ID"] = emulator.tenantId
        environment["MDE_CLIENT_ID"] = emulator.clientId
        environment["MDE_CLIENT_SECRET"] = emulator.clientSecret
        environment["MDE_AUTHORITY"] = baseURL
        self.environment = environment
    }

    /// Runs `mdebatch ARGUMENTS` to its end: its exit status, standard output and real time.
    func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, seconds: Double) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let output = PipeReader(out.fileHandleForReading)
        let started = ContinuousClock.now
        // A termination handler, not `waitUntilExit()` (which spins a run loop on its thread).
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in done.resume() }
            do { try process.run() } catch { done.resume() }
        }
        let elapsed = started.duration(to: .now)
        guard process.processIdentifier != 0 else { throw BenchmarkError("could not start \(binary.path)") }
        // Standard output is read while the process runs, so a long output cannot fill the pipe and block it.
        let text = String(decoding: output.wait(), as: UTF8.self)
        return (process.terminationStatus, text, elapsed.seconds)
    }
}

extension Duration {
    /// The duration in seconds, as a double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Everything the pipe held, once its writer closed it.
    func wait() -> Data {
        done.wait()
        return data
    }
}
